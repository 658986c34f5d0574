import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anRpps } from '../helpers/builders.ts'
import { aMemberAt, grantRight, type Member } from '../helpers/members.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

// `POST /v1/access-requests`: a person asks for results and/or invoices at one of their confirmed
// practice places, naming a professional of that structure, who decides.

let t: TestApp
let here: Practice
let elsewhere: Practice
let doctorRpps: string
let doctor: Member
let doctorElsewhere: Member

beforeAll(async () => {
  t = await createTestApp()
  here = await aPractice(t)
  elsewhere = await aPractice(t)
  doctorRpps = anRpps()
  doctor = await aMemberAt(t.app, here.structureId, { profile: 'health_professional', rpps: doctorRpps })
  doctorElsewhere = await aMemberAt(t.app, elsewhere.structureId, { profile: 'health_professional' })
})

afterAll(() => t.close())

/** A new collaborator confirmed at this structure (each test asks with its own). */
const aSecretary = (practice = here, place: 'confirmed' | 'pending' = 'confirmed') =>
  aMemberAt(t.app, practice.structureId, { profile: 'collaborator', place })

const ask = (who: { headers: { authorization: string } } | undefined, payload: object) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/access-requests',
    ...(who && { headers: who.headers }),
    payload,
  })

const mine = async (who: Member) =>
  (await t.app.inject({ url: '/v1/me/access-requests', headers: who.headers })).json().items as {
    id: string
  }[]

describe('asking for rights at one of my places', () => {
  it('a collaborator asks the named professional: 201 pending, in the approver’s queue and mailbox', async () => {
    const secretary = await aSecretary()
    const mailed = t.mail.to(doctor.email).length
    const asked = await ask(secretary, {
      structureId: here.structureId,
      rights: ['results', 'invoices'],
      approverId: doctor.id,
      comment: 'Je gère les résultats du cabinet',
    })
    expect(asked.statusCode, asked.body).toBe(201)
    expect(asked.json()).toMatchObject({
      structureId: here.structureId,
      rights: ['results', 'invoices'],
      approverId: doctor.id,
      status: 'pending',
      grantedRights: null,
      comment: 'Je gère les résultats du cabinet',
    })
    const id = asked.json().id as string
    expect((await mine(secretary)).map((row) => row.id)).toEqual([id])
    const queue = (await t.app.inject({ url: '/v1/approvals', headers: doctor.headers })).json().items
    expect(queue.map((row: { id: string }) => row.id)).toContain(id)
    await t.deliverMail()
    expect(t.mail.to(doctor.email).length).toBe(mailed + 1)
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('subject_id', '=', id)
      .execute()
    expect(audit).toEqual([{ action: 'access.requested', actor_id: secretary.id }])
  })

  it('names the approver by RPPS as well', async () => {
    const secretary = await aSecretary()
    const asked = await ask(secretary, {
      structureId: here.structureId,
      rights: ['results'],
      approverRpps: doctorRpps,
    })
    expect(asked.statusCode, asked.body).toBe(201)
    expect(asked.json().approverId).toBe(doctor.id)
  })

  it('asks only for the rights not already held; all of them held is 409 rights_held', async () => {
    const secretary = await aSecretary()
    await grantRight(t.app, secretary.id, here.structureId)
    const held = await ask(secretary, {
      structureId: here.structureId,
      rights: ['results'],
      approverId: doctor.id,
    })
    expect(held.statusCode).toBe(409)
    expect(held.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(held.json().code).toBe('rights_held')
    const asked = await ask(secretary, {
      structureId: here.structureId,
      rights: ['results', 'invoices'],
      approverId: doctor.id,
    })
    expect(asked.statusCode, asked.body).toBe(201)
    expect(asked.json().rights).toEqual(['invoices'])
  })

  it('one request per structure waits at a time: a second is 409 request_pending', async () => {
    const secretary = await aSecretary()
    const body = { structureId: here.structureId, rights: ['results'], approverId: doctor.id }
    expect((await ask(secretary, body)).statusCode).toBe(201)
    const again = await ask(secretary, { ...body, rights: ['invoices'] })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('request_pending')
    expect(await mine(secretary)).toHaveLength(1)
  })
})

describe('who may not ask, and what is refused', () => {
  it('a signed-out caller gets 401, a lab system 403', async () => {
    const body = { structureId: here.structureId, rights: ['results'], approverId: doctor.id }
    const anonymous = await ask(undefined, body)
    expect(anonymous.statusCode).toBe(401)
    const lab = await t.app.inject({
      method: 'POST',
      url: '/v1/access-requests',
      headers: here.lab,
      payload: body,
    })
    expect(lab.statusCode).toBe(403)
    expect(lab.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('a member of another structure, or one whose place there still waits, gets 422 not_at_structure', async () => {
    const body = { structureId: here.structureId, rights: ['results'], approverId: doctor.id }
    for (const who of [await aSecretary(elsewhere), await aSecretary(here, 'pending')]) {
      const refused = await ask(who, body)
      expect(refused.statusCode).toBe(422)
      expect(refused.json().code).toBe('not_at_structure')
      expect(await mine(who)).toEqual([])
    }
  })

  it('the approver must be a professional of that structure, and not the asker: else 422', async () => {
    const secretary = await aSecretary()
    const colleague = await aSecretary()
    const approvers = [
      { approverId: doctorElsewhere.id },
      { approverId: colleague.id },
      { approverRpps: anRpps() },
    ]
    for (const approver of approvers) {
      const refused = await ask(secretary, {
        structureId: here.structureId,
        rights: ['results'],
        ...approver,
      })
      expect(refused.statusCode, JSON.stringify(approver)).toBe(422)
      expect(refused.json().code).toBe('approver_not_found')
    }
    const self = await ask(doctor, {
      structureId: here.structureId,
      rights: ['results'],
      approverId: doctor.id,
    })
    expect(self.statusCode).toBe(422)
    expect(self.json().code).toBe('approver_not_found')
    expect(await mine(secretary)).toEqual([])
  })

  it('a malformed request is a 400 problem: no approver, unknown right or property, control characters', async () => {
    const secretary = await aSecretary()
    const base = { structureId: here.structureId, rights: ['results'], approverId: doctor.id }
    const bodies: [string, object, string?][] = [
      ['no approver', { structureId: here.structureId, rights: ['results'] }, 'approver_required'],
      ['an unknown right', { ...base, rights: ['everything'] }],
      ['no right', { ...base, rights: [] }],
      ['an unknown property', { ...base, admin: true }],
      ['a control character', { ...base, comment: 'bonjour\u0000' }],
      ['a malformed structure id', { ...base, structureId: 'not-a-uuid' }],
    ]
    for (const [what, body, code] of bodies) {
      const refused = await ask(secretary, body)
      expect(refused.statusCode, what).toBe(400)
      expect(refused.headers['content-type'], what).toMatch(/^application\/problem\+json/)
      if (code) expect(refused.json().code, what).toBe(code)
    }
    expect(await mine(secretary)).toEqual([])
  })
})
