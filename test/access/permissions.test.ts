import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { askRights, grantRight, placeAt } from '../helpers/members.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>
let t: TestApp
let here: Practice
let elsewhere: Practice
const cast: Record<string, Person> = {}

async function delegate(professional: Person, to: Person, structureId: string, revoked = false) {
  await t.app.deps.db
    .insertInto('delegations')
    .values({
      professional_id: professional.id,
      structure_id: structureId,
      delegate_id: to.id,
      created_by: professional.id,
      created_at: t.clock.now(),
      revoked_at: revoked ? t.clock.now() : null,
    })
    .execute()
}

/** A fresh request from the secretary, naming the doctor, at this structure. */
async function aRequest() {
  return askRights(t.app, {
    accountId: cast.secretary!.id,
    structureId: here.structureId,
    approverId: cast.doctor!.id,
    rights: ['results', 'invoices'],
  })
}

/** Makes sure the secretary holds results here (a current right, whatever history there is). */
async function aRight() {
  const held = await t.app.deps.db
    .selectFrom('rights')
    .select('id')
    .where('account_id', '=', cast.secretary!.id)
    .where('name', '=', 'results')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!held) await grantRight(t.app, cast.secretary!.id, here.structureId)
}

beforeAll(async () => {
  t = await createTestApp()
  here = await aPractice(t, 'lab-here')
  elsewhere = await aPractice(t, 'lab-elsewhere')
  cast.doctor = await anAccount(t.app, { profile: 'health_professional' })
  cast.colleague = await anAccount(t.app, { profile: 'health_professional' })
  cast.otherDoctor = await anAccount(t.app, { profile: 'health_professional' })
  cast.delegate = await anAccount(t.app, { profile: 'administrative' })
  cast.delegateElsewhere = await anAccount(t.app, { profile: 'administrative' })
  cast.formerDelegate = await anAccount(t.app, { profile: 'administrative' })
  cast.secretary = await anAccount(t.app, { profile: 'collaborator' })
  cast.otherSecretary = await anAccount(t.app, { profile: 'collaborator' })
  cast.support = await anAccount(t.app, { roles: ['support'] })
  await placeAt(t.app, cast.doctor.id, here.structureId)
  await placeAt(t.app, cast.colleague.id, here.structureId)
  await placeAt(t.app, cast.otherDoctor.id, elsewhere.structureId)
  await placeAt(t.app, cast.secretary.id, here.structureId)
  await placeAt(t.app, cast.otherSecretary.id, here.structureId)
  await delegate(cast.doctor, cast.delegate, here.structureId)
  await delegate(cast.doctor, cast.delegateElsewhere, elsewhere.structureId)
  await delegate(cast.doctor, cast.formerDelegate, here.structureId, true)
})
afterAll(() => t.close())

const decide = async (who: string) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/approvals/${await aRequest()}/decision`,
    headers: cast[who]!.headers,
    payload: { decision: 'approve' },
  })
const revoke = async (who: string) => {
  await aRight()
  return t.app.inject({
    method: 'DELETE',
    url: `/v1/me/collaborators/${cast.secretary!.id}/rights/results?structureId=${here.structureId}`,
    headers: cast[who]!.headers,
  })
}
const delegateHere = async (who: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/me/delegations',
    headers: cast[who]!.headers,
    payload: { structureId: here.structureId, delegateId: cast.otherSecretary!.id },
  })

describe('who may decide, revoke and delegate (and who may NOT)', () => {
  it.each([
    // who, decide a request naming the doctor, revoke the secretary's right, delegate for the structure
    ['doctor', 'the named professional', 200, 204, 201],
    ['delegate', 'the doctor’s delegate for this structure', 200, 204, 403],
    ['colleague', 'another professional of the structure, not named', 403, 204, 201],
    ['otherDoctor', 'a professional of another structure', 403, 403, 403],
    ['delegateElsewhere', 'the doctor’s delegate for another structure', 403, 403, 403],
    ['formerDelegate', 'a delegate whose delegation was withdrawn', 403, 403, 403],
    ['secretary', 'the requester herself', 403, 403, 403],
    ['otherSecretary', 'another collaborator of the structure', 403, 403, 403],
    ['support', 'the support desk', 200, 204, 403],
  ])(
    '%s (%s): decide %i, revoke %i, delegate %i',
    async (who, _role, decideStatus, revokeStatus, delegateStatus) => {
      expect((await decide(who)).statusCode).toBe(decideStatus)
      expect((await revoke(who)).statusCode).toBe(revokeStatus)
      const delegation = await delegateHere(who)
      expect(delegation.statusCode).toBe(delegateStatus)
      if (delegation.statusCode === 201)
        await t.app.deps.db
          .updateTable('delegations')
          .set({ revoked_at: t.clock.now() })
          .where('id', '=', delegation.json().id)
          .execute()
    },
  )

  it('shows each decider only the requests they may decide', async () => {
    await t.app.deps.db
      .updateTable('access_requests')
      .set({ status: 'cancelled' })
      .where('status', '=', 'pending')
      .execute()
    const id = await aRequest()
    const visible = async (who: string) =>
      (await t.app.inject({ url: '/v1/approvals', headers: cast[who]!.headers }))
        .json()
        .items.map((item: { id: string }) => item.id)
    expect(await visible('doctor')).toEqual([id])
    expect(await visible('delegate')).toEqual([id])
    expect(await visible('support')).toEqual([id])
    for (const who of [
      'colleague',
      'otherDoctor',
      'delegateElsewhere',
      'formerDelegate',
      'secretary',
      'otherSecretary',
    ])
      expect(await visible(who)).toEqual([])
  })

  it('pages each decider’s queue newest first, with a cursor', async () => {
    await t.app.deps.db
      .updateTable('access_requests')
      .set({ status: 'cancelled' })
      .where('status', '=', 'pending')
      .execute()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.unshift(await aRequest())
      t.clock.advance(60_000)
    }
    for (const who of ['doctor', 'delegate', 'support']) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (
          await t.app.inject({
            url: `/v1/approvals?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            headers: cast[who]!.headers,
          })
        ).json()
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen, who).toEqual(ids)
    }
    // A tampered cursor is refused, never handed to the database.
    const tampered = Buffer.from(JSON.stringify(['not a date', ids[0]])).toString('base64url')
    const refused = await t.app.inject({
      url: `/v1/approvals?cursor=${tampered}`,
      headers: cast.doctor!.headers,
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toMatchObject({ code: 'invalid_cursor' })
  })

  it('refuses the support desk’s endpoints to anyone else, and everything to a signed-out caller', async () => {
    const body = {
      professionalId: cast.doctor!.id,
      structureId: here.structureId,
      delegateId: cast.otherSecretary!.id,
    }
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/admin/delegations',
          headers: cast.doctor!.headers,
          payload: body,
        })
      ).statusCode,
    ).toBe(403)
    const bySupport = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/delegations',
      headers: cast.support!.headers,
      payload: body,
    })
    expect(bySupport.statusCode).toBe(201)
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/v1/admin/accounts/${cast.secretary!.id}/mandates`,
          headers: cast.doctor!.headers,
          payload: { mandates: [] },
        })
      ).statusCode,
    ).toBe(403)
    for (const url of [
      '/v1/approvals',
      '/v1/me/collaborators',
      '/v1/me/delegations',
      '/v1/me/access-requests',
    ]) {
      expect((await t.app.inject({ url })).statusCode).toBe(401)
    }
  })
})

describe('two deciders at the same moment', () => {
  it('record exactly one decision; the others get 409', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await aRequest()
      const answers = await Promise.all(
        ['doctor', 'delegate', 'support'].map((who, index) =>
          t.app.inject({
            method: 'POST',
            url: `/v1/approvals/${id}/decision`,
            headers: cast[who]!.headers,
            payload:
              index === 1
                ? { decision: 'reject', reason: 'non' }
                : { decision: 'approve', rights: ['results'] },
          }),
        ),
      )
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409, 409])
      const decisions = await t.app.deps.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_id', '=', id)
        .execute()
      expect(decisions).toHaveLength(1)
    }
  })
})
