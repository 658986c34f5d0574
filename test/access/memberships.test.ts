import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { journey } from '../helpers/journey.ts'
import {
  aPractice,
  type Practice,
  type Registrant,
  register,
  signIn,
  stepUp,
  supportAgent,
  validateAccount,
} from '../helpers/people.ts'

/**
 * Anyone could once join any structure by adding a practice place there, then approve, delegate and
 * revoke at it. A place added after registration now waits for the structure's professionals.
 */
type Headers = { authorization: string }
interface Person {
  id: string
  email: string
  headers: Headers
}

let t: TestApp
let clinicA: Practice
let clinicB: Practice
let emptyClinic: Practice
let support: Headers
const cast: Record<string, Person> = {}

async function aMember(practice: Practice, person: Registrant): Promise<Person> {
  const registered = await register(t, practice, person)
  expect(registered.statusCode, registered.body).toBe(201)
  const id = registered.json().id as string
  if (registered.json().status === 'pending_approval') {
    const approverHeaders = Object.values(cast).find((who) => who.id === person.approverId)!.headers
    const [request] = (await t.app.inject({ url: '/v1/approvals', headers: approverHeaders })).json().items
    await t.app.inject({
      method: 'POST',
      url: `/v1/approvals/${request.id}/decision`,
      headers: approverHeaders,
      payload: { decision: 'approve' },
    })
  }
  await validateAccount(t, id, support)
  const { headers } = await signIn(t, person.email)
  return { id, email: person.email, headers }
}

const call = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: cast[who]!.headers, ...(payload && { payload }) })
const askPlace = (who: string, practice: Practice) =>
  call(who, 'POST', '/v1/me/practice-places', {
    structureId: practice.structureId,
    labCenterId: practice.centerId,
  })
const decide = (who: string, placeId: string, decision: object) =>
  call(who, 'POST', `/v1/place-confirmations/${placeId}/decision`, decision)
const feedTypes = async (practice: Practice) =>
  (await t.app.inject({ url: `/v1/labs/${practice.labId}/events?limit=1000`, headers: practice.lab }))
    .json()
    .items.map((event: { type: string; account: { id: string } }) => `${event.type}:${event.account.id}`)
const approversOf = async (practice: Practice) =>
  (
    await t.app.inject({
      url: `/v1/structures/${practice.structureId}/approvers?correspondentCode=${practice.correspondentCode}`,
    })
  )
    .json()
    .items.map((approver: { id: string }) => approver.id)

beforeAll(async () => {
  t = await createTestApp()
  support = await supportAgent(t)
  clinicA = await aPractice(t, 'lab-a')
  clinicB = await aPractice(t, 'lab-b')
  emptyClinic = await aPractice(t, 'lab-empty')
  cast.doctorA = await aMember(clinicA, { email: 'dr.a@example.org', lastName: 'Arnaud' })
  cast.colleagueA = await aMember(clinicA, { email: 'dr.a2@example.org', lastName: 'Aubert' })
  cast.secretaryA = await aMember(clinicA, {
    email: 'secretariat.a@example.org',
    profile: 'collaborator',
    rights: { results: true, invoices: false },
    approverId: cast.doctorA.id,
    extra: { accountTitle: 'Secrétariat A' },
  })
  cast.delegateA = await aMember(clinicA, {
    email: 'gestion.a@example.org',
    profile: 'administrative',
    rights: { results: false, invoices: false },
  })
  expect(
    (
      await call('doctorA', 'POST', '/v1/me/delegations', {
        structureId: clinicA.structureId,
        delegateId: cast.delegateA.id,
      })
    ).statusCode,
  ).toBe(201)
  cast.doctorB = await aMember(clinicB, { email: 'dr.b@example.org', lastName: 'Bastien' })
  cast.accomplice = await aMember(clinicB, {
    email: 'complice.b@example.org',
    profile: 'collaborator',
    rights: { results: false, invoices: false },
    extra: { accountTitle: 'Complice' },
  })
})
afterAll(() => t.close())

describe('a professional of structure B asks to join structure A', () => {
  const { step } = journey()
  let placeId: string

  step('the place is pending, and counts nowhere meanwhile', async () => {
    const asked = await askPlace('doctorB', clinicA)
    expect(asked.statusCode, asked.body).toBe(201)
    expect(asked.json()).toMatchObject({ status: 'pending', structure: { id: clinicA.structureId } })
    placeId = asked.json().id
    // Not an approver of A, not able to delegate, decide or revoke there.
    expect(await approversOf(clinicA)).not.toContain(cast.doctorB!.id)
    const delegation = await call('doctorB', 'POST', '/v1/me/delegations', {
      structureId: clinicA.structureId,
      delegateId: cast.accomplice!.id,
    })
    expect(delegation.statusCode).toBe(403)
    const revoke = await call(
      'doctorB',
      'DELETE',
      `/v1/me/collaborators/${cast.secretaryA!.id}/rights/results?structureId=${clinicA.structureId}`,
    )
    expect(revoke.statusCode).toBe(403)
    const collaborators = (await call('doctorB', 'GET', '/v1/me/collaborators')).json().items
    expect(collaborators.map((row: { structureId: string }) => row.structureId)).not.toContain(
      clinicA.structureId,
    )
    // The accomplice cannot ask rights at A through B's place, nor name B as approver there.
    const accompliceAsks = await call('accomplice', 'POST', '/v1/access-requests', {
      structureId: clinicA.structureId,
      rights: ['results'],
      approverId: cast.doctorB!.id,
    })
    expect(accompliceAsks.statusCode).toBe(422)
    expect(await feedTypes(clinicA)).not.toContain(`practice_place.added:${cast.doctorB!.id}`)
  })

  step(
    'A’s professionals see it in their queue; their delegate, B, A’s secretary and other people do not',
    async () => {
      const queueOf = async (who: string) =>
        (await call(who, 'GET', '/v1/place-confirmations')).json().items.map((row: { id: string }) => row.id)
      expect(await queueOf('doctorA')).toEqual([placeId])
      expect(await queueOf('colleagueA')).toEqual([placeId])
      // A professional confirmed at A becomes responsible there: not for a delegate to decide.
      for (const who of ['delegateA', 'doctorB', 'secretaryA', 'accomplice'])
        expect(await queueOf(who)).toEqual([])
      // The support desk's queue is for structures with nobody to ask.
      const supportQueue = await t.app.inject({ url: '/v1/admin/place-confirmations', headers: support })
      expect(supportQueue.json().items.map((row: { id: string }) => row.id)).not.toContain(placeId)
      expect((await call('doctorA', 'GET', '/v1/admin/place-confirmations')).statusCode).toBe(403)
      await t.deliverMail()
      expect(t.mail.to('dr.a@example.org').at(-1)?.subject).toBe(
        'Sésame : un lieu d’exercice attend votre confirmation',
      )
    },
  )

  it.each([
    ['doctorB', 'the person asking'],
    ['delegateA', 'the delegate of A’s professional, for a professional’s place'],
    ['secretaryA', 'a collaborator of A'],
    ['accomplice', 'a collaborator of B'],
  ])('%s (%s) may not decide it', async (who) => {
    expect((await decide(who, placeId, { decision: 'confirm' })).statusCode).toBe(403)
  })

  step('nor may the support desk, while A has professionals to ask', async () => {
    const bySupport = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/place-confirmations/${placeId}/decision`,
      headers: support,
      payload: { decision: 'confirm' },
    })
    expect(bySupport.statusCode).toBe(403)
  })

  step('a rejection needs a reason; rejected, the place is gone and B is mailed why', async () => {
    const bare = await decide('doctorA', placeId, { decision: 'reject' })
    expect(bare.statusCode).toBe(400)
    expect(bare.json().code).toBe('reason_required')
    const rejected = await decide('doctorA', placeId, {
      decision: 'reject',
      reason: 'Ne travaille pas au cabinet',
    })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json()).toEqual({ id: placeId, status: 'rejected' })
    expect((await decide('colleagueA', placeId, { decision: 'confirm' })).statusCode).toBe(404)
    const places = (await call('doctorB', 'GET', '/v1/me/practice-places')).json().items
    expect(places.map((place: { id: string }) => place.id)).not.toContain(placeId)
    await t.deliverMail()
    expect(t.mail.to('dr.b@example.org').at(-1)?.text).toContain('Ne travaille pas au cabinet')
  })

  step('a stale authentication may not decide: confirming gives powers, it needs a step-up', async () => {
    t.clock.advance(11 * 60_000)
    const stale = await decide('doctorA', placeId, { decision: 'confirm' })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('step_up_required')
    cast.doctorA!.headers = await stepUp(t, cast.doctorA!.headers, cast.doctorA!.email)
    cast.colleagueA!.headers = await stepUp(t, cast.colleagueA!.headers, cast.colleagueA!.email)
    cast.delegateA!.headers = await stepUp(t, cast.delegateA!.headers, cast.delegateA!.email)
    support = await supportAgent(t)
  })

  step(
    'asked again and confirmed by A’s colleague, the place counts: B approves at A and the lab is told',
    async () => {
      const asked = await askPlace('doctorB', clinicA)
      const confirmed = await decide('colleagueA', asked.json().id, { decision: 'confirm' })
      expect(confirmed.statusCode, confirmed.body).toBe(200)
      expect(confirmed.json()).toEqual({ id: asked.json().id, status: 'confirmed' })
      expect((await decide('doctorA', asked.json().id, { decision: 'confirm' })).statusCode).toBe(409)
      expect(await approversOf(clinicA)).toContain(cast.doctorB!.id)
      expect(await feedTypes(clinicA)).toContain(`practice_place.added:${cast.doctorB!.id}`)
      await t.deliverMail()
      expect(t.mail.to('dr.b@example.org').at(-1)?.text).toContain('est confirmé')
    },
  )
})

describe('a structure with no professional', () => {
  it('the support desk confirms the places asked there; professionals elsewhere cannot', async () => {
    const asked = await askPlace('accomplice', emptyClinic)
    expect(asked.statusCode).toBe(201)
    const queue = (await t.app.inject({ url: '/v1/admin/place-confirmations', headers: support })).json()
    expect(queue.items).toEqual([
      expect.objectContaining({
        id: asked.json().id,
        person: expect.objectContaining({ id: cast.accomplice!.id, profile: 'collaborator' }),
        structure: expect.objectContaining({ id: emptyClinic.structureId }),
      }),
    ])
    expect((await decide('doctorA', asked.json().id, { decision: 'confirm' })).statusCode).toBe(403)
    const confirmed = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/place-confirmations/${asked.json().id}/decision`,
      headers: support,
      payload: { decision: 'confirm' },
    })
    expect(confirmed.statusCode, confirmed.body).toBe(200)
  })
})

describe('places given at registration', () => {
  it('are pending until the support desk validates the account, which shows them', async () => {
    const registered = await register(t, clinicA, { email: 'dr.nouveau@example.org', lastName: 'Neuf' })
    const id = registered.json().id
    const before = await t.app.inject({ url: `/v1/admin/accounts/${id}`, headers: support })
    expect(before.json().practicePlaces).toEqual([
      expect.objectContaining({
        status: 'pending',
        structure: expect.objectContaining({ id: clinicA.structureId }),
      }),
    ])
    expect(await approversOf(clinicA)).not.toContain(id)
    await validateAccount(t, id, support)
    const after = await t.app.inject({ url: `/v1/admin/accounts/${id}`, headers: support })
    expect(after.json().practicePlaces).toEqual([expect.objectContaining({ status: 'confirmed' })])
    expect(await approversOf(clinicA)).toContain(id)
  })
})

describe('removing a place', () => {
  it('withdraws the rights held there, tells the lab, and the former approver’s queue forgets it', async () => {
    // A secretary of B joins A, is confirmed, asks results there naming A's doctor, and gets them.
    const secretary = await aMember(clinicB, {
      email: 'secretariat.mobile@example.org',
      profile: 'collaborator',
      rights: { results: false, invoices: false },
      extra: { accountTitle: 'Secrétariat mobile' },
    })
    cast.mobile = secretary
    const place = (await askPlace('mobile', clinicA)).json()
    // A collaborator's place: the delegate of A's professional may confirm it.
    expect((await call('delegateA', 'GET', '/v1/place-confirmations')).json().items).toEqual([
      expect.objectContaining({ id: place.id }),
    ])
    expect((await decide('delegateA', place.id, { decision: 'confirm' })).statusCode).toBe(200)
    const asked = await call('mobile', 'POST', '/v1/access-requests', {
      structureId: clinicA.structureId,
      rights: ['results', 'invoices'],
      approverId: cast.doctorA!.id,
    })
    expect(asked.statusCode, asked.body).toBe(201)
    const approved = await call('doctorA', 'POST', `/v1/approvals/${asked.json().id}/decision`, {
      decision: 'approve',
      rights: ['results'],
    })
    expect(approved.statusCode).toBe(200)
    const again = await call('mobile', 'POST', '/v1/access-requests', {
      structureId: clinicA.structureId,
      rights: ['invoices'],
      approverId: cast.doctorA!.id,
    })
    expect(again.statusCode).toBe(201)

    expect((await call('mobile', 'DELETE', `/v1/me/practice-places/${place.id}`)).statusCode).toBe(204)
    const me = (await call('mobile', 'GET', '/v1/me')).json()
    expect(me.rights.map((entry: { structureId: string }) => entry.structureId)).not.toContain(
      clinicA.structureId,
    )
    expect(await feedTypes(clinicA)).toContain(`right.revoked:${secretary.id}`)
    const queue = (await call('doctorA', 'GET', '/v1/approvals')).json().items
    expect(queue.map((row: { id: string }) => row.id)).not.toContain(again.json().id)
    const mine = (await call('mobile', 'GET', '/v1/me/access-requests')).json().items
    expect(mine.find((row: { id: string }) => row.id === again.json().id).status).toBe('cancelled')
  })

  it('an approver who left a structure no longer sees its requests, nor does their delegate', async () => {
    const asked = await call('secretaryA', 'POST', '/v1/access-requests', {
      structureId: clinicA.structureId,
      rights: ['invoices'],
      approverId: cast.colleagueA!.id,
    })
    expect(asked.statusCode, asked.body).toBe(201)
    const queueOf = async (who: string) =>
      (await call(who, 'GET', '/v1/approvals')).json().items.map((row: { id: string }) => row.id)
    expect(await queueOf('colleagueA')).toContain(asked.json().id)
    // The colleague's only place is A: a second place elsewhere first, confirmed, then A goes.
    const elsewhere = (await askPlace('colleagueA', emptyClinic)).json()
    await t.app.inject({
      method: 'POST',
      url: `/v1/admin/place-confirmations/${elsewhere.id}/decision`,
      headers: support,
      payload: { decision: 'confirm' },
    })
    const placeAtA = (await call('colleagueA', 'GET', '/v1/me/practice-places'))
      .json()
      .items.find((row: { structure: { id: string } }) => row.structure.id === clinicA.structureId)
    expect((await call('colleagueA', 'DELETE', `/v1/me/practice-places/${placeAtA.id}`)).statusCode).toBe(204)
    expect(await queueOf('colleagueA')).not.toContain(asked.json().id)
    const decided = await call('colleagueA', 'POST', `/v1/approvals/${asked.json().id}/decision`, {
      decision: 'approve',
    })
    expect(decided.statusCode).toBe(403)
  })
})

describe('collaborators and rights', () => {
  it('only those who approve see a structure’s collaborators', async () => {
    expect((await call('doctorA', 'GET', '/v1/me/collaborators')).statusCode).toBe(200)
    const byDelegate = await call('delegateA', 'GET', '/v1/me/collaborators')
    expect(byDelegate.statusCode).toBe(200)
    expect(byDelegate.json().items.map((row: { account: { id: string } }) => row.account.id)).toContain(
      cast.secretaryA!.id,
    )
    for (const who of ['secretaryA', 'accomplice']) {
      const refused = await call(who, 'GET', '/v1/me/collaborators')
      expect(refused.statusCode).toBe(403)
      expect(refused.headers['content-type']).toContain('application/problem+json')
    }
  })

  it('a professional’s own rights are not another professional’s, a delegate’s or support’s to withdraw', async () => {
    cast.doctorC = await aMember(clinicA, { email: 'dr.c@example.org', lastName: 'Carre' })
    for (const headers of [cast.doctorA!.headers, cast.delegateA!.headers, support]) {
      const refused = await t.app.inject({
        method: 'DELETE',
        url: `/v1/me/collaborators/${cast.doctorC.id}/rights/results?structureId=${clinicA.structureId}`,
        headers,
      })
      expect(refused.statusCode).toBe(403)
    }
    const me = (await call('doctorC', 'GET', '/v1/me')).json()
    expect(me.rights).toEqual([
      expect.objectContaining({ structureId: clinicA.structureId, rights: ['invoices', 'results'] }),
    ])
  })
})
