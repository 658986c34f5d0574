import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import {
  aPractice,
  type Practice,
  proveEmail,
  type Registrant,
  register,
  STRONG_PASSWORD,
  signIn,
  validateAccount,
} from '../helpers/people.ts'

let t: TestApp
let practice: Practice
let otherPractice: Practice
beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t)
  otherPractice = await aPractice(t)
  const now = t.clock.now()
  await t.app.deps.db
    .insertInto('applications')
    .values([
      {
        id: 'resultats',
        name: 'Résultats',
        url: 'https://resultats.example.org',
        description: 'Vos résultats',
        active: true,
        created_at: now,
        updated_at: now,
      },
      {
        id: 'factures',
        name: 'Factures',
        url: 'https://factures.example.org',
        description: null,
        active: true,
        created_at: now,
        updated_at: now,
      },
      {
        id: 'archives',
        name: 'Archives',
        url: 'https://archives.example.org',
        description: null,
        active: false,
        created_at: now,
        updated_at: now,
      },
    ])
    .execute()
})
afterAll(() => t.close())
// Each test proves a few addresses: a fresh hour keeps them under the per-client proof limit.
beforeEach(() => t.clock.advance(61 * 60_000))

/** A person registered through the API, activated directly (support validation is built elsewhere), signed in. */
async function aPerson(email: string, person: Omit<Registrant, 'email'> = {}) {
  const registered = await register(t, practice, { email, ...person })
  expect(registered.statusCode, registered.body).toBe(201)
  const id = registered.json().id as string
  await validateAccount(t, id)
  const { headers } = await signIn(t, email)
  return { id, email, headers }
}
type Person = Awaited<ReturnType<typeof aPerson>>

const aCollaborator = (email: string) =>
  aPerson(email, {
    profile: 'collaborator',
    rights: { results: false, invoices: false },
    extra: { accountTitle: 'Assistante' },
  })

const call = (
  person: Person,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: person.headers, ...(payload && { payload }) })

async function addAddress(person: Person, address: string, extra: object = {}) {
  // Addresses are ordered by age: each one a little younger than the previous.
  t.clock.advance(1000)
  const proof = await proveEmail(t, address, 'add_email')
  const added = await call(person, 'POST', '/v1/me/emails', { proof, ...extra })
  expect(added.statusCode, added.body).toBe(201)
  return added.json() as { id: string; address: string; isLogin: boolean; isNotification: boolean }
}

const emailsOf = async (person: Person) => (await call(person, 'GET', '/v1/me/emails')).json().items
const meOf = async (person: Person) => (await call(person, 'GET', '/v1/me')).json()
const auditOf = async (person: Person) =>
  (
    await t.app.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', person.id)
      .orderBy('id')
      .execute()
  ).map((event) => event.action)

describe('email addresses', () => {
  it('a doctor adds a second address proven by code and makes it her notification address', async () => {
    const claire = await aPerson('claire.martin@example.org')
    const added = await addAddress(claire, 'secretariat.martin@example.org', { notification: true })
    expect(added).toMatchObject({
      address: 'secretariat.martin@example.org',
      isLogin: false,
      isNotification: true,
      applications: [],
    })

    expect(await emailsOf(claire)).toEqual([
      {
        id: expect.any(String),
        address: 'claire.martin@example.org',
        isLogin: true,
        isNotification: false,
        applications: [],
      },
      { ...added, applications: [] },
    ])
    expect(
      (await meOf(claire)).emails.map((email: { isNotification: boolean }) => email.isNotification),
    ).toEqual([false, true])
    // She is told at the address that was her notification address when it was added.
    await t.deliverMail()
    const notice = t.mail.to('claire.martin@example.org').at(-1)
    expect(notice?.subject).toContain('nouvelle adresse ajoutée')
    expect(notice?.text).toContain('secretariat.martin@example.org')
    expect(await auditOf(claire)).toContain('account.email_added')
  })

  it('a proof is spent once: adding the same address again with it is refused', async () => {
    const anne = await aPerson('anne.leroy@example.org')
    const proof = await proveEmail(t, 'anne.cabinet@example.org', 'add_email')
    expect((await call(anne, 'POST', '/v1/me/emails', { proof })).statusCode).toBe(201)
    const again = await call(anne, 'POST', '/v1/me/emails', { proof })
    expect(again.statusCode).toBe(422)
    expect(again.json().code).toBe('invalid_proof')
    expect(await emailsOf(anne)).toHaveLength(2)
  })

  it('an address that another account took meanwhile is refused', async () => {
    const first = await aPerson('paul.roux@example.org')
    const second = await aPerson('lea.roux@example.org')
    const proofFirst = await proveEmail(t, 'cabinet.roux@example.org', 'add_email')
    t.clock.advance(61_000)
    const proofSecond = await proveEmail(t, 'Cabinet.Roux@example.org', 'add_email')
    expect((await call(first, 'POST', '/v1/me/emails', { proof: proofFirst })).statusCode).toBe(201)
    const taken = await call(second, 'POST', '/v1/me/emails', { proof: proofSecond })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('email_taken')
    expect(await emailsOf(second)).toHaveLength(1)
  })

  it('she makes her new address her login address and signs in with it', async () => {
    const sophie = await aPerson('sophie.bernard@example.org')
    const added = await addAddress(sophie, 'dr.bernard@example.org')
    const moved = await call(sophie, 'PATCH', `/v1/me/emails/${added.id}`, { login: true })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(moved.json()).toMatchObject({ isLogin: true, isNotification: false })
    const emails = await emailsOf(sophie)
    expect(emails.map((email: { isLogin: boolean }) => email.isLogin)).toEqual([false, true])
    expect((await signIn(t, 'dr.bernard@example.org')).accessToken).toEqual(expect.any(String))
    const oldLogin = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'sophie.bernard@example.org', password: STRONG_PASSWORD },
    })
    expect(oldLogin.statusCode).toBe(401)
  })

  it('she cannot delete her last address', async () => {
    const marie = await aPerson('marie.petit@example.org')
    const [only] = await emailsOf(marie)
    const refused = await call(marie, 'DELETE', `/v1/me/emails/${only.id}`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('last_address')
    expect(await emailsOf(marie)).toHaveLength(1)
  })

  it('deleting her login and notification address hands both roles to her oldest remaining address', async () => {
    const julie = await aPerson('julie.moreau@example.org')
    const [original] = await emailsOf(julie)
    const second = await addAddress(julie, 'julie.cabinet@example.org')
    await addAddress(julie, 'julie.clinique@example.org')
    const removed = await call(julie, 'DELETE', `/v1/me/emails/${original.id}`)
    expect(removed.statusCode, removed.body).toBe(204)
    expect(await emailsOf(julie)).toEqual([
      expect.objectContaining({ id: second.id, isLogin: true, isNotification: true }),
      expect.objectContaining({
        address: 'julie.clinique@example.org',
        isLogin: false,
        isNotification: false,
      }),
    ])
    expect(await auditOf(julie)).toContain('account.email_removed')
  })
})

describe('applications', () => {
  it('she links an address to an application', async () => {
    const nadia = await aPerson('nadia.fontaine@example.org')
    const [main] = await emailsOf(nadia)
    const labs = await addAddress(nadia, 'nadia.labo@example.org', { applications: ['resultats'] })
    expect(labs).toMatchObject({ applications: ['resultats'] })

    const chosen = await call(nadia, 'PUT', '/v1/me/applications/factures/identity', { emailId: main.id })
    expect(chosen.statusCode, chosen.body).toBe(200)
    expect(chosen.json()).toEqual({ applicationId: 'factures', emailId: main.id })

    const open = await call(nadia, 'GET', '/v1/me/applications')
    expect(open.statusCode).toBe(200)
    expect(open.json().items).toEqual([
      {
        id: 'factures',
        name: 'Factures',
        url: 'https://factures.example.org',
        description: null,
        emailId: main.id,
      },
      {
        id: 'resultats',
        name: 'Résultats',
        url: 'https://resultats.example.org',
        description: 'Vos résultats',
        emailId: labs.id,
      },
    ])

    // Linking an application to her main address takes it away from the other one.
    const relinked = await call(nadia, 'PATCH', `/v1/me/emails/${main.id}`, {
      applications: ['resultats', 'factures'],
    })
    expect(relinked.statusCode, relinked.body).toBe(200)
    expect(relinked.json().applications).toEqual(['factures', 'resultats'])
    const shown = (await meOf(nadia)).emails as { id: string; applications: string[] }[]
    expect(shown.map((email) => [email.id, email.applications.sort()])).toEqual([
      [main.id, ['factures', 'resultats']],
      [labs.id, []],
    ])

    // An empty list unlinks; the application then has no chosen address.
    await call(nadia, 'PATCH', `/v1/me/emails/${main.id}`, { applications: ['factures'] })
    const after = (await call(nadia, 'GET', '/v1/me/applications')).json().items
    expect(after.map((app: { id: string; emailId: string | null }) => [app.id, app.emailId])).toEqual([
      ['factures', main.id],
      ['resultats', null],
    ])
    expect(await auditOf(nadia)).toContain('account.application_identity_set')
  })

  it('unknown or closed applications are refused', async () => {
    const eva = await aPerson('eva.garnier@example.org')
    const [main] = await emailsOf(eva)
    const unknown = await call(eva, 'PATCH', `/v1/me/emails/${main.id}`, {
      applications: ['resultats', 'inconnue'],
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json()).toMatchObject({
      code: 'unknown_application',
      errors: [{ field: 'applications.1' }],
    })
    expect((await emailsOf(eva))[0].applications).toEqual([])
    for (const app of ['inconnue', 'archives']) {
      const refused = await call(eva, 'PUT', `/v1/me/applications/${app}/identity`, { emailId: main.id })
      expect(refused.statusCode).toBe(404)
    }
    const listed = (await call(eva, 'GET', '/v1/me/applications')).json().items
    expect(listed.map((app: { id: string }) => app.id)).toEqual(['factures', 'resultats'])
  })

  it('deleting an address leaves its applications without a chosen address', async () => {
    const ines = await aPerson('ines.blanc@example.org')
    const extra = await addAddress(ines, 'ines.labo@example.org', { applications: ['resultats'] })
    expect((await call(ines, 'DELETE', `/v1/me/emails/${extra.id}`)).statusCode).toBe(204)
    const listed = (await call(ines, 'GET', '/v1/me/applications')).json().items
    expect(listed.find((app: { id: string }) => app.id === 'resultats').emailId).toBeNull()
  })

  it('a suspended account no longer sees its applications', async () => {
    const hugo = await aPerson('hugo.girard@example.org')
    expect((await call(hugo, 'GET', '/v1/me/applications')).json().items).toHaveLength(2)
    await t.app.deps.db
      .updateTable('accounts')
      .set({ status: 'suspended' })
      .where('id', '=', hugo.id)
      .execute()
    expect((await call(hugo, 'GET', '/v1/me/applications')).statusCode).toBe(401)
  })

  it('an application closed for a while keeps the address she chose for it', async () => {
    const rose = await aPerson('rose.perrin@example.org')
    const now = t.clock.now()
    await t.app.deps.db
      .insertInto('applications')
      .values({
        id: 'agenda',
        name: 'Agenda',
        url: 'https://agenda.example.org',
        description: null,
        active: true,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const setActive = (active: boolean) =>
      t.app.deps.db.updateTable('applications').set({ active }).where('id', '=', 'agenda').execute()
    const [main] = await emailsOf(rose)
    await call(rose, 'PATCH', `/v1/me/emails/${main.id}`, { applications: ['agenda', 'resultats'] })
    await setActive(false)
    const edited = await call(rose, 'PATCH', `/v1/me/emails/${main.id}`, { applications: [] })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(edited.json().applications).toEqual(['agenda'])
    await setActive(true)
    const listed = (await call(rose, 'GET', '/v1/me/applications')).json().items
    expect(listed.find((app: { id: string }) => app.id === 'agenda').emailId).toBe(main.id)
    expect(listed.find((app: { id: string }) => app.id === 'resultats').emailId).toBeNull()
    await setActive(false)
  })
})

describe('profile', () => {
  it('her phone numbers are stored in international format', async () => {
    const lucie = await aPerson('lucie.faure@example.org')
    const edited = await call(lucie, 'PATCH', '/v1/me', { phones: ['06 12 34 56 78', '+33 5 63 00 00 00'] })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(edited.json().phones).toEqual(['+33612345678', '+33563000000'])
    expect((await meOf(lucie)).phones).toEqual(['+33612345678', '+33563000000'])
    expect(await auditOf(lucie)).toContain('account.profile_updated')
  })

  it('a phone number that does not exist is refused, and named', async () => {
    const lucas = await aPerson('lucas.andre@example.org')
    const refused = await call(lucas, 'PATCH', '/v1/me', { phones: ['06 12 34 56 78', '06 12'] })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'phones.1' })])
    expect((await meOf(lucas)).phones).toEqual([])
    const empty = await call(lucas, 'PATCH', '/v1/me', {})
    expect(empty.statusCode).toBe(400)
  })

  it('changing her last name waits for the support desk and the profile keeps the old name', async () => {
    const claire = await aPerson('claire.dupont@example.org', { lastName: 'Dupont' })
    const asked = await call(claire, 'PATCH', '/v1/me', { lastName: 'Durand', phones: ['0612345678'] })
    expect(asked.statusCode, asked.body).toBe(202)
    const { changeRequestId, me } = asked.json()
    expect(me).toMatchObject({
      lastName: 'Dupont',
      phones: ['+33612345678'],
      pendingChanges: [{ id: changeRequestId, changes: { lastName: 'Durand' } }],
    })
    expect((await meOf(claire)).lastName).toBe('Dupont')
    const stored = await t.app.deps.db
      .selectFrom('profile_change_requests')
      .select(['status', 'changes'])
      .where('id', '=', changeRequestId)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ status: 'pending', changes: { lastName: 'Durand' } })
    await t.deliverMail()
    const support = t.mail.to(t.app.deps.config.SUPPORT_EMAIL).at(-1)
    expect(support?.subject).toContain('modification de profil à valider')
    expect(support?.text).toContain(changeRequestId)
    expect(await auditOf(claire)).toEqual(
      expect.arrayContaining(['account.profile_updated', 'account.profile_change_requested']),
    )
  })

  it('a second change of identity waits until the first one is decided', async () => {
    const alice = await aPerson('alice.mercier@example.org')
    expect((await call(alice, 'PATCH', '/v1/me', { civility: 'M' })).statusCode).toBe(202)
    const second = await call(alice, 'PATCH', '/v1/me', { firstName: 'Alicia', phones: ['0612345678'] })
    expect(second.statusCode).toBe(409)
    expect(second.json().code).toBe('change_pending')
    const me = await meOf(alice)
    expect(me).toMatchObject({ civility: 'MME', firstName: 'Claire', phones: [] })
    expect(me.pendingChanges).toEqual([expect.objectContaining({ changes: { civility: 'M' } })])
  })

  it('a doctor asks for a new RPPS number, which must be a valid one', async () => {
    const victor = await aPerson('victor.lambert@example.org')
    const bad = await call(victor, 'PATCH', '/v1/me', { rpps: '12345' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'rpps' })])
    const other = await aPerson('oscar.lambert@example.org')
    const taken = await call(victor, 'PATCH', '/v1/me', { rpps: (await meOf(other)).rpps })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('rpps_taken')
    expect((await meOf(victor)).pendingChanges).toEqual([])
  })

  it('a collaborator sets her account title; a doctor has none, and a collaborator no RPPS', async () => {
    const emma = await aCollaborator('emma.secretariat@example.org')
    const titled = await call(emma, 'PATCH', '/v1/me', { accountTitle: 'Secrétaire médicale' })
    expect(titled.statusCode, titled.body).toBe(200)
    expect(titled.json().accountTitle).toBe('Secrétaire médicale')
    const rpps = await call(emma, 'PATCH', '/v1/me', { rpps: '10003456789' })
    expect(rpps.statusCode).toBe(400)
    expect(rpps.json().errors).toEqual([expect.objectContaining({ field: 'rpps' })])

    const doctor = await aPerson('jean.robert@example.org')
    const refused = await call(doctor, 'PATCH', '/v1/me', { accountTitle: 'Chef de service' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'accountTitle' })])
    expect((await meOf(doctor)).accountTitle).toBeNull()
  })
})

describe('practice places', () => {
  it('she asks for a practice place and makes it her primary one: it waits for confirmation', async () => {
    const chloe = await aPerson('chloe.henry@example.org')
    t.clock.advance(1000)
    const added = await call(chloe, 'POST', '/v1/me/practice-places', {
      structureId: otherPractice.structureId,
      labCenterId: otherPractice.centerId,
      primary: true,
    })
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({
      primary: true,
      status: 'pending',
      structure: { id: otherPractice.structureId },
      labCenter: { id: otherPractice.centerId, labId: otherPractice.labId },
    })
    const listed = await call(chloe, 'GET', '/v1/me/practice-places')
    expect(listed.statusCode).toBe(200)
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        primary: false,
        status: 'confirmed',
        structure: expect.objectContaining({ id: practice.structureId }),
      }),
      added.json(),
    ])
    expect((await meOf(chloe)).practicePlaces).toEqual(listed.json().items)
    expect(await auditOf(chloe)).toContain('account.practice_place_requested')
  })

  it('a place at a structure she already practises at, or at an unknown one, is refused', async () => {
    const louise = await aPerson('louise.david@example.org')
    const twice = await call(louise, 'POST', '/v1/me/practice-places', {
      structureId: practice.structureId,
      labCenterId: practice.centerId,
    })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().code).toBe('practice_place_exists')
    const unknown = await call(louise, 'POST', '/v1/me/practice-places', {
      structureId: '00000000-0000-4000-8000-000000000000',
      labCenterId: practice.centerId,
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().errors).toEqual([expect.objectContaining({ field: 'structureId' })])
    expect((await call(louise, 'GET', '/v1/me/practice-places')).json().items).toHaveLength(1)
  })

  it('deleting her primary place makes the oldest remaining one primary, and the last one stays', async () => {
    const zoe = await aPerson('zoe.bonnet@example.org')
    const [first] = (await call(zoe, 'GET', '/v1/me/practice-places')).json().items
    t.clock.advance(1000)
    const added = await call(zoe, 'POST', '/v1/me/practice-places', {
      structureId: otherPractice.structureId,
      labCenterId: otherPractice.centerId,
    })
    expect(added.json().primary).toBe(false)
    expect((await call(zoe, 'DELETE', `/v1/me/practice-places/${first.id}`)).statusCode).toBe(204)
    const left = (await call(zoe, 'GET', '/v1/me/practice-places')).json().items
    expect(left).toEqual([expect.objectContaining({ id: added.json().id, primary: true })])
    const last = await call(zoe, 'DELETE', `/v1/me/practice-places/${added.json().id}`)
    expect(last.statusCode).toBe(409)
    expect(last.json().code).toBe('last_practice_place')
    expect(await auditOf(zoe)).toContain('account.practice_place_removed')
  })
})

describe('who may not', () => {
  it("another person's address and place ids are not found, and nothing of theirs changes", async () => {
    const owner = await aPerson('owner.martin@example.org')
    const intruder = await aPerson('intruder.martin@example.org')
    const second = await addAddress(owner, 'owner.cabinet@example.org')
    const [place] = (await call(owner, 'GET', '/v1/me/practice-places')).json().items
    const attempts = [
      await call(intruder, 'PATCH', `/v1/me/emails/${second.id}`, { login: true }),
      await call(intruder, 'DELETE', `/v1/me/emails/${second.id}`),
      await call(intruder, 'PUT', '/v1/me/applications/resultats/identity', { emailId: second.id }),
      await call(intruder, 'DELETE', `/v1/me/practice-places/${place.id}`),
    ]
    expect(attempts.map((response) => response.statusCode)).toEqual([404, 404, 404, 404])
    expect(await emailsOf(owner)).toEqual([
      expect.objectContaining({ isLogin: true }),
      expect.objectContaining({ id: second.id, isLogin: false, applications: [] }),
    ])
    expect((await call(owner, 'GET', '/v1/me/practice-places')).json().items).toHaveLength(1)
  })

  it('without a token, nothing is reachable', async () => {
    const id = '00000000-0000-4000-8000-000000000000'
    const requests = [
      { method: 'PATCH', url: '/v1/me', payload: { phones: [] } },
      { method: 'GET', url: '/v1/me/emails' },
      { method: 'POST', url: '/v1/me/emails', payload: { proof: 'x'.repeat(30) } },
      { method: 'PATCH', url: `/v1/me/emails/${id}`, payload: { login: true } },
      { method: 'DELETE', url: `/v1/me/emails/${id}` },
      { method: 'GET', url: '/v1/me/practice-places' },
      { method: 'POST', url: '/v1/me/practice-places', payload: { structureId: id, labCenterId: id } },
      { method: 'DELETE', url: `/v1/me/practice-places/${id}` },
      { method: 'GET', url: '/v1/me/applications' },
      { method: 'PUT', url: '/v1/me/applications/resultats/identity', payload: { emailId: id } },
    ] as const
    for (const request of requests) {
      const response = await t.app.inject(request)
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(401)
    }
  })
})
