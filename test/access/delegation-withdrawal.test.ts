import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor } from '../helpers/auth.ts'
import { aMemberAt, type Member } from '../helpers/members.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

// `DELETE /v1/admin/delegations/{id}`: the support desk withdraws a delegation of approval, with a
// recent re-authentication; from then on the delegate cannot decide for the professional.

let t: TestApp
let here: Practice

beforeAll(async () => {
  t = await createTestApp()
  here = await aPractice(t)
})

afterAll(() => t.close())

type Headers = { authorization: string }

/** A professional, a delegate and a collaborator's request naming the professional, all at `here`. */
async function aDelegation(support: Headers) {
  const doctor = await aMemberAt(t.app, here.structureId, { profile: 'health_professional' })
  const delegate = await aMemberAt(t.app, here.structureId, { profile: 'collaborator' })
  const secretary = await aMemberAt(t.app, here.structureId, { profile: 'collaborator' })
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/delegations',
    headers: support,
    payload: { professionalId: doctor.id, structureId: here.structureId, delegateId: delegate.id },
  })
  expect(created.statusCode, created.body).toBe(201)
  const asked = await t.app.inject({
    method: 'POST',
    url: '/v1/access-requests',
    headers: secretary.headers,
    payload: { structureId: here.structureId, rights: ['results'], approverId: doctor.id },
  })
  expect(asked.statusCode, asked.body).toBe(201)
  return { id: created.json().id as string, doctor, delegate, requestId: asked.json().id as string }
}

const withdraw = (id: string, headers?: Headers) =>
  t.app.inject({ method: 'DELETE', url: `/v1/admin/delegations/${id}`, ...(headers && { headers }) })

const queueOf = async (who: Member) =>
  (await t.app.inject({ url: '/v1/approvals', headers: who.headers }))
    .json()
    .items.map((row: { id: string }) => row.id)

describe('withdrawing a delegation', () => {
  it('support: 204; the delegate no longer sees nor decides the requests; withdrawn again is 404', async () => {
    const support = await bearerFor(t.app, ['support'])
    const { id, doctor, delegate, requestId } = await aDelegation(support)
    expect(await queueOf(delegate)).toContain(requestId)

    const withdrawn = await withdraw(id, support)
    expect(withdrawn.statusCode, withdrawn.body).toBe(204)
    expect(withdrawn.body).toBe('')
    expect(await queueOf(delegate)).not.toContain(requestId)
    const decided = await t.app.inject({
      method: 'POST',
      url: `/v1/approvals/${requestId}/decision`,
      headers: delegate.headers,
      payload: { decision: 'approve' },
    })
    expect(decided.statusCode).toBe(403)
    const listed = (await t.app.inject({ url: '/v1/me/delegations', headers: doctor.headers })).json()
    expect(listed.items).toEqual([])
    expect(await queueOf(doctor)).toContain(requestId)
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', id)
      .orderBy('id')
      .execute()
    expect(audit.map((row) => row.action)).toEqual(['access.delegation_created', 'access.delegation_revoked'])

    const again = await withdraw(id, support)
    expect(again.statusCode).toBe(404)
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

describe('who may not withdraw a delegation', () => {
  it('the professional, the delegate, another person and a lab get 403; a signed-out caller 401', async () => {
    const { id, doctor, delegate, requestId } = await aDelegation(await bearerFor(t.app, ['support']))
    const stranger = await bearerFor(t.app)
    for (const [who, headers] of [
      ['the professional', doctor.headers],
      ['the delegate', delegate.headers],
      ['another person', stranger],
      ['a lab', here.lab],
    ] as const) {
      const refused = await withdraw(id, headers)
      expect(refused.statusCode, who).toBe(403)
      expect(refused.headers['content-type'], who).toMatch(/^application\/problem\+json/)
    }
    expect((await withdraw(id)).statusCode).toBe(401)
    expect(await queueOf(delegate)).toContain(requestId)
  })

  it('support with a stale authentication gets 401 step_up_required, and the delegation stays', async () => {
    const support = await bearerFor(t.app, ['support'])
    const { id, delegate, requestId } = await aDelegation(support)
    t.clock.advance(11 * 60_000)
    const stale = await withdraw(id, support)
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('step_up_required')
    expect(await queueOf(delegate)).toContain(requestId)
  })

  it('an unknown delegation is 404, a malformed id 400, never 500', async () => {
    const support = await bearerFor(t.app, ['support'])
    const unknown = await withdraw('00000000-0000-4000-8000-000000000000', support)
    expect(unknown.statusCode).toBe(404)
    for (const id of ['not-a-uuid', '%00', `${'0'.repeat(36)}x`]) {
      const malformed = await withdraw(id, support)
      expect(malformed.statusCode, id).toBe(400)
      expect(malformed.headers['content-type'], id).toMatch(/^application\/problem\+json/)
    }
  })
})
