import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, labToken, labWithClient } from '../helpers/auth.ts'
import { aCorrespondent, aFiness, aSiret } from '../helpers/builders.ts'
import { aPractice, type Practice, proveEmail } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>
type Headers = { authorization: string }
let t: TestApp
/** A practice that the lab `alpha` created through its own sync. */
let practice: Practice
let finess: string
let cerba: Headers
let support: Person
let doctor: Person

const sync = (lab: string, headers: Headers, items: object[]) =>
  t.app.inject({
    method: 'PUT',
    url: `/v1/labs/${lab}/correspondents`,
    headers: { ...headers, 'idempotency-key': `k-${Math.random()}` },
    payload: { items },
  })
/** A code of this lab for the practice, named by its FINESS as a LIS would. */
const codeForPractice = (code: string, overrides: object = {}) =>
  aCorrespondent(code, { structure: { finess, name: 'Cabinet médical des Lilas' }, ...overrides })
const queue = async () => {
  const response = await t.app.inject({ url: '/v1/admin/correspondent-links', headers: support.headers })
  expect(response.statusCode).toBe(200)
  return response.json().items as { id: string; code: string; lab: { id: string } }[]
}
const queued = async (code: string) => (await queue()).find((item) => item.code === code)
const decide = (id: string, headers: Headers, payload: object) =>
  t.app.inject({ method: 'POST', url: `/v1/admin/correspondent-links/${id}/decision`, headers, payload })
const lookup = (code: string, lab: string) =>
  t.app.inject({ url: `/v1/correspondent-codes/${code}?labId=${lab}` })
const approvers = (code: string) =>
  t.app.inject({ url: `/v1/structures/${practice.structureId}/approvers?correspondentCode=${code}` })
const feed = async (lab: string, headers: Headers) =>
  (await t.app.inject({ url: `/v1/labs/${lab}/events`, headers })).json().items as { type: string }[]
const suspendAndLift = async (person: Person) => {
  const suspended = await t.app.inject({
    method: 'POST',
    url: `/v1/admin/accounts/${person.id}/suspension`,
    headers: support.headers,
    payload: { reason: 'Vérification d’identité' },
  })
  expect(suspended.statusCode, suspended.body).toBe(200)
  await t.app.inject({
    method: 'DELETE',
    url: `/v1/admin/accounts/${person.id}/suspension`,
    headers: support.headers,
  })
}

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t, 'alpha')
  const listed = await t.app.inject({ url: '/v1/labs/alpha/correspondents', headers: practice.lab })
  finess = (
    await t.app.deps.db
      .selectFrom('structures')
      .select('finess')
      .where('id', '=', practice.structureId)
      .executeTakeFirstOrThrow()
  ).finess as string
  expect(listed.json().items[0].linkStatus).toBe('linked')
  cerba = await labToken(t.app, await labWithClient(t.app, 'cerba'))
  support = await anAccount(t.app, { roles: ['support'] })
  doctor = await anAccount(t.app, { profile: 'health_professional' })
  await t.app.deps.db
    .insertInto('practice_places')
    .values({
      status: 'confirmed',
      account_id: doctor.id,
      structure_id: practice.structureId,
      lab_center_id: practice.centerId,
      is_primary: true,
      created_at: t.clock.now(),
    })
    .execute()
})
afterAll(() => t.close())

describe('a lab naming a structure it does not serve', () => {
  it('has the code held pending_link: no look-up, no approvers, no registration, no events', async () => {
    const synced = await sync('cerba', cerba, [codeForPractice('CB-1')])
    expect(synced.statusCode).toBe(200)
    expect(synced.json()).toEqual({ created: 1, updated: 0, unchanged: 0, pendingLink: 1 })
    const own = (await t.app.inject({ url: '/v1/labs/cerba/correspondents', headers: cerba })).json().items
    expect(own).toEqual([expect.objectContaining({ code: 'CB-1', linkStatus: 'pending_link' })])

    // Answered as an unknown code would be.
    const held = await lookup('CB-1', 'cerba')
    const unknown = await lookup('CB-NOPE', 'cerba')
    expect(held.statusCode).toBe(404)
    expect(held.json().code).toBe(unknown.json().code)
    expect(held.json().detail).toBe(unknown.json().detail)
    expect((await lookup('CB-1', 'alpha')).statusCode).toBe(404)
    expect((await approvers('CB-1')).statusCode).toBe(404)
    expect((await approvers(practice.correspondentCode)).statusCode).toBe(200)

    const registration = await t.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: {
        proof: await proveEmail(t, 'through.cerba@example.org'),
        profile: 'collaborator',
        civility: 'MME',
        firstName: 'Inès',
        lastName: 'Roux',
        practicePlaces: [
          { structureId: practice.structureId, labCenterId: practice.centerId, primary: true },
        ],
        correspondentCode: 'CB-1',
        rights: { results: false, invoices: false },
        termsVersion: t.app.deps.config.TERMS_VERSION,
      },
    })
    expect(registration.statusCode).toBe(422)
    expect(registration.json().code).toBe('unknown_correspondent_code')

    // What happens to the practice's people reaches the lab that serves it, not the one waiting.
    await suspendAndLift(doctor)
    expect((await feed('alpha', practice.lab)).map((event) => event.type)).toContain('account.suspended')
    expect(await feed('cerba', cerba)).toEqual([])
  })

  it('stays held when synced again unchanged, and counts as pending in each batch', async () => {
    const again = await sync('cerba', cerba, [codeForPractice('CB-1')])
    expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: 1, pendingLink: 1 })
  })

  it('works once the support desk approves the link, and the lab then hears of the practice', async () => {
    const item = await queued('CB-1')
    expect(item).toMatchObject({
      lab: { id: 'cerba' },
      status: 'pending_link',
      structure: { id: practice.structureId, finess },
      requestedAt: expect.any(String),
    })
    const approved = await decide(item!.id, support.headers, {
      decision: 'approve',
      reason: 'Le cabinet confirme travailler avec Cerba',
    })
    expect(approved.statusCode, approved.body).toBe(200)
    expect(approved.json()).toMatchObject({ status: 'linked', decidedAt: expect.any(String) })
    expect(await queued('CB-1')).toBeUndefined()

    expect((await lookup('CB-1', 'cerba')).json().structure.id).toBe(practice.structureId)
    expect((await approvers('CB-1')).statusCode).toBe(200)
    await suspendAndLift(doctor)
    expect((await feed('cerba', cerba)).map((event) => event.type)).toContain('account.suspended')

    const audit = await t.app.inject({
      url: `/v1/admin/audit-events?actorId=${support.id}`,
      headers: support.headers,
    })
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({ action: 'correspondent_code.link_approved', reason: expect.any(String) }),
    )

    // Decided once: a second decision is a conflict.
    expect((await decide(item!.id, support.headers, { decision: 'reject', reason: 'Non' })).statusCode).toBe(
      409,
    )
  })

  it('links at once the codes of a structure the lab already serves', async () => {
    // Cerba's link to the practice now stands: another code for it works at once.
    const second = await sync('cerba', cerba, [codeForPractice('CB-2')])
    expect(second.json().pendingLink).toBe(0)
    expect((await lookup('CB-2', 'cerba')).statusCode).toBe(200)

    // A lab one of whose centres a practice place there works with serves the structure too.
    const delta = await labWithClient(t.app, 'delta')
    const deltaToken = await labToken(t.app, delta)
    await t.app.inject({
      method: 'PUT',
      url: '/v1/labs/delta/centers',
      headers: { ...deltaToken, 'idempotency-key': 'delta-centres' },
      payload: { items: [{ code: 'D1', name: 'Delta Albi' }] },
    })
    const centre = await t.app.deps.db
      .selectFrom('lab_centers')
      .select('id')
      .where('lab_id', '=', 'delta')
      .executeTakeFirstOrThrow()
    const nurse = await anAccount(t.app, { profile: 'health_professional' })
    await t.app.deps.db
      .insertInto('practice_places')
      .values({
        status: 'confirmed',
        account_id: nurse.id,
        structure_id: practice.structureId,
        lab_center_id: centre.id,
        is_primary: true,
        created_at: t.clock.now(),
      })
      .execute()
    // A place still waiting for confirmation does not count.
    const waiting = await labToken(t.app, await labWithClient(t.app, 'theta'))
    await t.app.inject({
      method: 'PUT',
      url: '/v1/labs/theta/centers',
      headers: { ...waiting, 'idempotency-key': 'theta-centres' },
      payload: { items: [{ code: 'T1', name: 'Theta Albi' }] },
    })
    const thetaCentre = await t.app.deps.db
      .selectFrom('lab_centers')
      .select('id')
      .where('lab_id', '=', 'theta')
      .executeTakeFirstOrThrow()
    await t.app.deps.db
      .insertInto('practice_places')
      .values({
        status: 'pending',
        account_id: (await anAccount(t.app, { profile: 'health_professional' })).id,
        structure_id: practice.structureId,
        lab_center_id: thetaCentre.id,
        is_primary: true,
        created_at: t.clock.now(),
      })
      .execute()
    expect((await sync('theta', waiting, [codeForPractice('TH-1')])).json().pendingLink).toBe(1)

    const served = await sync('delta', deltaToken, [codeForPractice('DL-1')])
    expect(served.json().pendingLink).toBe(0)
    expect((await lookup('DL-1', 'delta')).statusCode).toBe(200)
  })

  it('holds a code the lab moves to a structure it does not serve, and keeps a rejected one refused', async () => {
    const epsilon = await labToken(t.app, await labWithClient(t.app, 'epsilon'))
    const own = await sync('epsilon', epsilon, [aCorrespondent('EP-1')])
    expect(own.json().pendingLink).toBe(0)
    expect((await lookup('EP-1', 'epsilon')).statusCode).toBe(200)

    const moved = await sync('epsilon', epsilon, [codeForPractice('EP-1')])
    expect(moved.json()).toEqual({ created: 0, updated: 1, unchanged: 0, pendingLink: 1 })
    expect((await lookup('EP-1', 'epsilon')).statusCode).toBe(404)

    const item = await queued('EP-1')
    const rejected = await decide(item!.id, support.headers, {
      decision: 'reject',
      reason: 'Le cabinet ne connaît pas ce laboratoire',
    })
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      reason: 'Le cabinet ne connaît pas ce laboratoire',
    })
    const resent = await sync('epsilon', epsilon, [codeForPractice('EP-1')])
    expect(resent.json()).toMatchObject({ unchanged: 1, pendingLink: 0 })
    expect((await lookup('EP-1', 'epsilon')).statusCode).toBe(404)
    const listed = (await t.app.inject({ url: '/v1/labs/epsilon/correspondents', headers: epsilon })).json()
    expect(listed.items[0].linkStatus).toBe('rejected')
  })
})

describe('a lab creating, through its sync, a structure the national directory lists', () => {
  /** Establishments of the imported FINESS directory that Sésame has no structure for yet. */
  const listed = { byFiness: aFiness(), bySiret: aFiness(), bySiretSiret: aSiret(), plain: aFiness() }
  let squatter: Headers

  beforeAll(async () => {
    const row = {
      finess_legal: aFiness(),
      short_name: 'CABINET',
      search_name: 'cabinet',
      address: '1 RUE DU PONT',
      postal_code: '81000',
      city: 'ALBI',
      department_code: '81',
      department_label: 'TARN',
      phone: '',
      category_code: '124',
      category_label: 'Centre de santé',
      search_vector: '',
      coordinate_system: null,
      latitude: null,
      longitude: null,
    }
    await t.app.deps.db
      .insertInto('directory_establishments')
      .values([
        { ...row, finess: listed.byFiness, name: 'CENTRE DE SANTE DU PONT', siret: '' },
        { ...row, finess: listed.bySiret, name: 'CENTRE DE SANTE DES LICES', siret: listed.bySiretSiret },
      ])
      .execute()
    squatter = await labToken(t.app, await labWithClient(t.app, 'squatter'))
  })

  it('does not own it: named by FINESS or by SIRET, the code waits for its link like any other', async () => {
    const synced = await sync('squatter', squatter, [
      aCorrespondent('SQ-1', { structure: { finess: listed.byFiness, name: 'Centre du Pont' } }),
      aCorrespondent('SQ-2', { structure: { siret: listed.bySiretSiret, name: 'Centre des Lices' } }),
      aCorrespondent('SQ-3', { structure: { finess: listed.plain, name: 'Cabinet hors annuaire' } }),
    ])
    expect(synced.statusCode, synced.body).toBe(200)
    expect(synced.json()).toEqual({ created: 3, updated: 0, unchanged: 0, pendingLink: 2 })
    const own = (await t.app.inject({ url: '/v1/labs/squatter/correspondents', headers: squatter })).json()
    expect(
      Object.fromEntries(
        own.items.map((item: { code: string; linkStatus: string }) => [item.code, item.linkStatus]),
      ),
    ).toEqual({
      'SQ-1': 'pending_link',
      'SQ-2': 'pending_link',
      'SQ-3': 'linked',
    })
    // Held codes answer as unknown ones; the structure the directory does not list is the lab's at once.
    expect((await lookup('SQ-1', 'squatter')).statusCode).toBe(404)
    expect((await lookup('SQ-2', 'squatter')).statusCode).toBe(404)
    expect((await lookup('SQ-3', 'squatter')).statusCode).toBe(200)
    expect((await queued('SQ-1'))?.lab.id).toBe('squatter')
    // Synced again, it is still not the lab's: the code stays held.
    const again = await sync('squatter', squatter, [
      aCorrespondent('SQ-4', { structure: { finess: listed.byFiness, name: 'Centre du Pont' } }),
    ])
    expect(again.json()).toMatchObject({ created: 1, pendingLink: 1 })
  })

  it('still lets a person register at the establishment whose SIRET the lab’s structure took: created apart', async () => {
    const registration = await t.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: {
        proof: await proveEmail(t, 'lices.secretaire@example.org'),
        profile: 'collaborator',
        civility: 'MME',
        firstName: 'Inès',
        lastName: 'Roux',
        practicePlaces: [
          { structureId: practice.structureId, labCenterId: practice.centerId, primary: true },
          { finess: listed.bySiret, labCenterId: practice.centerId, primary: false },
        ],
        correspondentCode: practice.correspondentCode,
        rights: { results: false, invoices: false },
        termsVersion: t.app.deps.config.TERMS_VERSION,
      },
    })
    expect(registration.statusCode, registration.body).toBe(201)
    const structures = await t.app.deps.db
      .selectFrom('structures')
      .select(['finess', 'siret'])
      .where((eb) => eb.or([eb('finess', '=', listed.bySiret), eb('siret', '=', listed.bySiretSiret)]))
      .orderBy('finess')
      .execute()
    // The establishment named by its FINESS, without the SIRET the lab's structure holds.
    expect(structures).toEqual([
      { finess: listed.bySiret, siret: null },
      { finess: null, siret: listed.bySiretSiret },
    ])
  })
})

describe('who may NOT see or decide the queue', () => {
  it('refuses a lab client, a professional, an anonymous caller; a decision needs a clean reason to reject', async () => {
    const held = await sync('cerba', cerba, [
      aCorrespondent('CB-X', { structure: { finess: await aFreshPracticeFiness(), name: 'Cabinet Zêta' } }),
    ])
    expect(held.json().pendingLink).toBe(1)
    const item = await queued('CB-X')
    expect(item).toBeDefined()
    const professional = await anAccount(t.app, { profile: 'health_professional' })
    const id = item!.id
    expect((await t.app.inject({ url: '/v1/admin/correspondent-links', headers: cerba })).statusCode).toBe(
      403,
    )
    expect(
      (await t.app.inject({ url: '/v1/admin/correspondent-links', headers: professional.headers }))
        .statusCode,
    ).toBe(403)
    expect((await t.app.inject({ url: '/v1/admin/correspondent-links' })).statusCode).toBe(401)
    expect((await decide(id, cerba, { decision: 'approve' })).statusCode).toBe(403)
    expect((await decide(id, professional.headers, { decision: 'approve' })).statusCode).toBe(403)

    const noReason = await decide(id, support.headers, { decision: 'reject' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().code).toBe('reason_required')
    const control = await decide(id, support.headers, { decision: 'reject', reason: 'Non\u0000\u001b[2J' })
    expect(control.statusCode).toBe(400)
    expect(control.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(
      (await decide('00000000-0000-4000-8000-000000000000', support.headers, { decision: 'approve' }))
        .statusCode,
    ).toBe(404)
    expect((await queued('CB-X'))?.id).toBe(id)
  })
})

/** The FINESS of a structure another lab created: one cerba does not serve. */
async function aFreshPracticeFiness() {
  const other = await aPractice(t, `zeta-${Math.random().toString(36).slice(2, 6)}`)
  const row = await t.app.deps.db
    .selectFrom('structures')
    .select('finess')
    .where('id', '=', other.structureId)
    .executeTakeFirstOrThrow()
  return row.finess as string
}
