import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { anRpps } from '../helpers/builders.ts'
import { journey } from '../helpers/journey.ts'
import { aPractice, type Practice, STRONG_PASSWORD, signIn } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>

let t: TestApp
let clinic: Practice
let annex: Practice
let elsewhere: Practice
let support: Person
let manager: Person
let reference: Person

/** 3 p.m. in Paris on Friday 20 November 2026: the weekend falls inside the 3 business days. */
const FRIDAY_AFTERNOON = '2026-11-20T14:00:00.000Z'
const WEDNESDAY_AFTERNOON = '2026-11-25T14:00:00.000Z'
const PROVISIONAL_CODE = /\b[A-Z2-9]{5}-[A-Z2-9]{5}\b/

const anAddress = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.org`

async function giveMandate(person: Person, structureId: string) {
  await t.app.deps.db
    .insertInto('mandates')
    .values({
      account_id: person.id,
      structure_id: structureId,
      mandate: 'account_manager',
      granted_at: t.clock.now(),
      granted_by: support.id,
    })
    .execute()
}

const mandatesOf = (accountId: string) =>
  t.app.deps.db
    .selectFrom('mandates')
    .select(['structure_id', 'mandate'])
    .where('account_id', '=', accountId)
    .orderBy('structure_id')
    .execute()

/** A request for a new nurse at both of the manager's structures, the clinic first. */
function aRequestBody(overrides: Record<string, unknown> = {}) {
  return {
    civility: 'MME',
    firstName: 'Julie',
    lastName: 'Tremblay',
    email: anAddress('julie.tremblay'),
    previousAccount: false,
    workplaces: [
      { structureId: clinic.structureId, primary: true },
      { structureId: annex.structureId, primary: false },
    ],
    occupation: '60',
    rpps: anRpps(),
    ...overrides,
  }
}

const submit = (person: Person, payload: object) =>
  t.app.inject({ method: 'POST', url: '/v1/account-requests', headers: person.headers, payload })

const decide = (id: string, payload: object, by: Person = support) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/admin/account-requests/${id}/fulfilment`,
    headers: by.headers,
    payload,
  })

const outboxRows = (recipient: string) =>
  t.app.deps.db
    .selectFrom('outbox')
    .select(['id', 'template', 'status', 'after_id', 'sealed', 'payload'])
    .where('recipient', '=', recipient)
    .orderBy('id')
    .execute()

const subjects = (address: string) => t.mail.to(address).map((message) => message.subject)

beforeAll(async () => {
  t = await createTestApp()
  // Sessions live on the test clock: it is set before anyone opens one.
  t.clock.set(FRIDAY_AFTERNOON)
  clinic = await aPractice(t)
  annex = await aPractice(t)
  elsewhere = await aPractice(t)
  support = await anAccount(t.app, { roles: ['support'] })
  manager = await anAccount(t.app, { email: anAddress('manager') })
  reference = await anAccount(t.app)
})
afterAll(() => t.close())

describe('Omnimed: add a user account', () => {
  const { step } = journey()
  let requestId: string
  let newUser: { email: string; rpps: string; accountId?: string }

  step('support gives a manager the account_manager mandate on two structures', async () => {
    await giveMandate(manager, clinic.structureId)
    await giveMandate(manager, annex.structureId)
    expect(await mandatesOf(manager.id)).toEqual(
      [clinic.structureId, annex.structureId].sort().map((structureId) => ({
        structure_id: structureId,
        mandate: 'account_manager',
      })),
    )
  })

  step(
    'a reference account with mandates exists (and a workplace, rights, a lab number of its own)',
    async () => {
      await giveMandate(reference, clinic.structureId)
      await giveMandate(reference, elsewhere.structureId)
      const now = t.clock.now()
      await t.app.deps.db
        .insertInto('practice_places')
        .values({
          status: 'confirmed',
          account_id: reference.id,
          structure_id: elsewhere.structureId,
          is_primary: true,
          created_at: now,
        })
        .execute()
      await t.app.deps.db
        .insertInto('rights')
        .values({
          account_id: reference.id,
          structure_id: clinic.structureId,
          name: 'results',
          granted_at: now,
        })
        .execute()
      await t.app.deps.db
        .insertInto('lab_registrations')
        .values({ account_id: reference.id, lab_id: elsewhere.labId, number: 'REF-1', updated_at: now })
        .execute()
      expect(await mandatesOf(reference.id)).toHaveLength(2)
    },
  )

  step(
    'the manager requests an account with a reference account, lab registrations and billing: due 3 business days later, the weekend skipped',
    async () => {
      expect(t.clock.now().toISOString()).toBe(FRIDAY_AFTERNOON)
      const body = aRequestBody({
        practiceNumber: '12345',
        prescriberNumber: 'P-678',
        labRegistrations: [{ labId: clinic.labId, number: 'INF-4471' }],
        referenceAccountId: reference.id,
        billing: { clientName: 'Clinique médicale Omnimed', clientNumber: '123' },
        comment: 'Accès à la fusion de dossiers patients.',
      })
      newUser = { email: body.email, rpps: body.rpps }
      const response = await submit(manager, body)
      expect(response.statusCode, response.body).toBe(201)
      const created = response.json()
      expect(created).toEqual({ id: expect.any(String), status: 'pending', dueAt: WEDNESDAY_AFTERNOON })
      requestId = created.id

      await t.deliverMail()
      const toSupport = t.mail.to(t.app.deps.config.SUPPORT_EMAIL).at(-1)
      expect(toSupport?.subject).toBe('Sésame : nouvelle demande de création de compte')
      expect(toSupport?.text).toContain('Julie Tremblay')
      expect(toSupport?.text).toContain(requestId)
      const audit = await t.app.deps.db
        .selectFrom('audit_events')
        .select(['actor_id', 'action'])
        .where('subject_id', '=', requestId)
        .execute()
      expect(audit).toEqual([{ actor_id: manager.id, action: 'account_request.submitted' }])
      // Nothing exists yet for the new user.
      expect(
        await t.app.deps.db
          .selectFrom('account_emails')
          .select('id')
          .where('address_key', '=', body.email)
          .execute(),
      ).toEqual([])
    },
  )

  step('the requester sees the request pending, due Wednesday, not overdue', async () => {
    const response = await t.app.inject({ url: '/v1/account-requests', headers: manager.headers })
    expect(response.statusCode).toBe(200)
    const [item] = response.json().items
    expect(item).toMatchObject({
      id: requestId,
      status: 'pending',
      dueAt: WEDNESDAY_AFTERNOON,
      overdue: false,
      email: newUser.email,
      billing: { clientName: 'Clinique médicale Omnimed', clientNumber: '123' },
      labRegistrations: [{ labId: clinic.labId, number: 'INF-4471' }],
      accountId: null,
    })
  })

  step(
    'support fulfils it: the new user gets the welcome email with a provisional code, and only then the requester the confirmation',
    async () => {
      t.clock.advance(24 * 3600_000)
      await t.deliverMail()
      const response = await decide(requestId, { decision: 'fulfil' })
      expect(response.statusCode, response.body).toBe(200)
      const fulfilled = response.json()
      expect(fulfilled).toMatchObject({
        id: requestId,
        status: 'fulfilled',
        overdue: false,
        accountId: expect.any(String),
      })
      newUser.accountId = fulfilled.accountId

      // The confirmation waits in the outbox for the welcome email.
      const [welcome] = await outboxRows(newUser.email)
      const confirmation = (await outboxRows(manager.email)).at(-1)
      expect(welcome).toMatchObject({ template: 'account_request.welcome', status: 'pending' })
      expect(welcome?.sealed).not.toBeNull()
      expect(JSON.stringify(welcome?.payload)).not.toMatch(PROVISIONAL_CODE)
      expect(confirmation).toMatchObject({ template: 'account_request.fulfilled', after_id: welcome?.id })

      // One pass of the worker sends the welcome; the confirmation was not yet due.
      await t.app.outboxWorker.runOnce()
      expect(subjects(newUser.email)).toEqual(['Sésame : bienvenue, votre compte est créé'])
      expect(subjects(manager.email)).toEqual([])
      await t.deliverMail()
      expect(subjects(manager.email)).toEqual(['Sésame : le compte demandé est prêt'])
      const order = t.mail.messages.map((message) => message.subject)
      expect(order.indexOf('Sésame : bienvenue, votre compte est créé')).toBeLessThan(
        order.indexOf('Sésame : le compte demandé est prêt'),
      )
      expect(t.mail.to(manager.email)[0]?.text).toContain(newUser.email)
      const sent = await outboxRows(newUser.email)
      expect(sent[0]).toMatchObject({ status: 'sent', sealed: null })
    },
  )

  step('the new user activates the account with the provisional code and signs in', async () => {
    const text = t.mail.to(newUser.email)[0]?.text ?? ''
    expect(text).toContain(newUser.email)
    const code = PROVISIONAL_CODE.exec(text)?.[0]
    expect(code).toBeDefined()
    const activated = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/activation',
      payload: {
        email: newUser.email,
        provisionalCode: code,
        password: STRONG_PASSWORD,
        passwordConfirmation: STRONG_PASSWORD,
      },
    })
    expect(activated.statusCode, activated.body).toBe(204)
    const { headers } = await signIn(t, newUser.email)
    const me = (await t.app.inject({ url: '/v1/me', headers })).json()
    expect(me).toMatchObject({
      id: newUser.accountId,
      status: 'active',
      profile: 'health_professional',
      rpps: newUser.rpps,
      profession: { code: '60' },
      firstName: 'Julie',
      lastName: 'Tremblay',
    })
    expect(me.emails).toEqual([
      expect.objectContaining({ address: newUser.email, isLogin: true, isNotification: true }),
    ])
    expect(
      me.practicePlaces
        .map((place: { primary: boolean; structure: { id: string } }) => [place.structure.id, place.primary])
        .sort(),
    ).toEqual(
      [
        [clinic.structureId, true],
        [annex.structureId, false],
      ].sort(),
    )
  })

  step(
    'the new account has the reference account’s mandates at its workplaces, and nothing else from it',
    async () => {
      const accountId = newUser.accountId!
      expect(await mandatesOf(accountId)).toEqual([
        { structure_id: clinic.structureId, mandate: 'account_manager' },
      ])
      expect(
        await t.app.deps.db.selectFrom('rights').select('id').where('account_id', '=', accountId).execute(),
      ).toEqual([])
      expect(
        await t.app.deps.db
          .selectFrom('lab_registrations')
          .select(['lab_id', 'number'])
          .where('account_id', '=', accountId)
          .execute(),
      ).toEqual([{ lab_id: clinic.labId, number: 'INF-4471' }])
      const places = await t.app.deps.db
        .selectFrom('practice_places')
        .select('structure_id')
        .where('account_id', '=', accountId)
        .execute()
      expect(places.map((place) => place.structure_id)).not.toContain(elsewhere.structureId)
    },
  )

  step(
    'the labs of its workplaces are told that the account is active, and of the nurse’s registration number',
    async () => {
      const eventsOf = (labId: string) =>
        t.app.deps.db
          .selectFrom('lab_events')
          .select(['type', 'structure_id', 'payload'])
          .where('account_id', '=', newUser.accountId!)
          .where('lab_id', '=', labId)
          .orderBy('id')
          .execute()
      // The clinic's lab knows the clinic by a correspondent code, and has the nurse's number.
      const clinicLab = await eventsOf(clinic.labId)
      expect(clinicLab.map((event) => event.type)).toEqual(['account.activated', 'lab_registration.changed'])
      expect(clinicLab[0]?.payload).toMatchObject({
        account: { id: newUser.accountId, rpps: newUser.rpps, status: 'active' },
        correspondentCodes: [clinic.correspondentCode],
      })
      expect(clinicLab[1]?.payload).toMatchObject({ labRegistrationNumber: 'INF-4471' })
      // The annex's lab knows the annex: it learns the account too; the reference account's lab, nothing.
      const annexLab = await eventsOf(annex.labId)
      expect(annexLab[0]).toMatchObject({
        type: 'account.activated',
        payload: { correspondentCodes: [annex.correspondentCode], labRegistrationNumber: null },
      })
      expect(await eventsOf(elsewhere.labId)).toEqual([])
    },
  )

  step('the fulfilment is in the audit trail, by the agent', async () => {
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select(['actor_id', 'action', 'subject_id'])
      .where('actor_id', '=', support.id)
      .where('action', 'in', ['account_request.fulfilled', 'account.created_on_request'])
      .orderBy('id')
      .execute()
    expect(audit).toEqual([
      { actor_id: support.id, action: 'account.created_on_request', subject_id: newUser.accountId },
      { actor_id: support.id, action: 'account_request.fulfilled', subject_id: requestId },
    ])
  })

  step('an overdue request shows as overdue to the requester and to support', async () => {
    const late = await submit(
      manager,
      aRequestBody({ firstName: 'Marc', lastName: 'Gagnon', occupation: 'administrative', rpps: undefined }),
    )
    expect(late.statusCode, late.body).toBe(201)
    const { id, dueAt } = late.json()
    t.clock.set(new Date(new Date(dueAt).getTime() + 60_000))

    const mine = (await t.app.inject({ url: '/v1/account-requests', headers: manager.headers })).json()
    expect(mine.items.find((item: { id: string }) => item.id === id)).toMatchObject({
      status: 'pending',
      overdue: true,
    })
    expect(mine.items.find((item: { id: string }) => item.id === requestId)).toMatchObject({
      status: 'fulfilled',
      overdue: false,
    })

    const overdue = await t.app.inject({
      url: '/v1/admin/account-requests?overdue=true',
      headers: support.headers,
    })
    expect(overdue.statusCode).toBe(200)
    expect(overdue.json().items.map((item: { id: string }) => item.id)).toEqual([id])
    const onTime = (
      await t.app.inject({ url: '/v1/admin/account-requests?overdue=false', headers: support.headers })
    ).json()
    expect(onTime.items.map((item: { id: string }) => item.id)).toContain(requestId)
    expect(onTime.items.map((item: { id: string }) => item.id)).not.toContain(id)
    const fulfilled = (
      await t.app.inject({ url: '/v1/admin/account-requests?status=fulfilled', headers: support.headers })
    ).json()
    expect(fulfilled.items.every((item: { status: string }) => item.status === 'fulfilled')).toBe(true)
    expect(fulfilled.items.map((item: { id: string }) => item.id)).toContain(requestId)

    // Once support rejects it, it is no longer overdue; the requester is told why.
    const rejected = await decide(id, {
      decision: 'reject',
      reason: 'Adresse partagée : donnez une adresse personnelle.',
    })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      overdue: false,
      reason: expect.stringContaining('partagée'),
    })
    await t.deliverMail()
    expect(t.mail.to(manager.email).at(-1)?.text).toContain('Adresse partagée')
  })

  step('support pages through the queue, the soonest due first', async () => {
    const first = (
      await t.app.inject({ url: '/v1/admin/account-requests?limit=1', headers: support.headers })
    ).json()
    expect(first.items).toHaveLength(1)
    expect(first.nextCursor).toEqual(expect.any(String))
    const second = (
      await t.app.inject({
        url: `/v1/admin/account-requests?limit=1&cursor=${first.nextCursor}`,
        headers: support.headers,
      })
    ).json()
    expect(second.items).toHaveLength(1)
    expect(new Date(second.items[0].dueAt).getTime()).toBeGreaterThanOrEqual(
      new Date(first.items[0].dueAt).getTime(),
    )
    expect(second.items[0].id).not.toBe(first.items[0].id)
    const tampered = await t.app.inject({
      url: '/v1/admin/account-requests?cursor=bm9wZQ',
      headers: support.headers,
    })
    expect(tampered.statusCode).toBe(400)
  })

  step('a previous account is updated, not duplicated', async () => {
    const address = anAddress('former.user')
    const former = await anAccount(t.app, { email: address })
    await t.app.deps.db
      .updateTable('accounts')
      .set({ password_hash: await t.app.deps.passwords.hash(STRONG_PASSWORD) })
      .where('id', '=', former.id)
      .execute()
    await t.app.deps.db
      .insertInto('practice_places')
      .values({
        status: 'confirmed',
        account_id: former.id,
        structure_id: clinic.structureId,
        is_primary: true,
        created_at: t.clock.now(),
      })
      .execute()
    const accountsBefore = await t.app.deps.db.selectFrom('accounts').select('id').execute()

    const response = await submit(
      manager,
      aRequestBody({
        firstName: 'Sophie',
        lastName: 'Lavoie',
        email: address.toUpperCase(),
        previousAccount: true,
        occupation: 'administrative',
        rpps: undefined,
        labRegistrations: [{ labId: annex.labId, number: 'ADM-9' }],
      }),
    )
    expect(response.statusCode, response.body).toBe(201)
    await t.deliverMail()
    const fulfilled = await decide(response.json().id, { decision: 'fulfil' })
    expect(fulfilled.statusCode, fulfilled.body).toBe(200)
    expect(fulfilled.json().accountId).toBe(former.id)

    expect(await t.app.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(
      accountsBefore.length,
    )
    const account = await t.app.deps.db
      .selectFrom('accounts')
      .select(['first_name', 'last_name', 'profile', 'status'])
      .where('id', '=', former.id)
      .executeTakeFirstOrThrow()
    expect(account).toEqual({
      first_name: 'Sophie',
      last_name: 'Lavoie',
      profile: 'administrative',
      status: 'active',
    })
    const emails = await t.app.deps.db
      .selectFrom('account_emails')
      .select('address')
      .where('account_id', '=', former.id)
      .execute()
    expect(emails).toEqual([{ address }])
    const places = await t.app.deps.db
      .selectFrom('practice_places')
      .select(['structure_id', 'is_primary'])
      .where('account_id', '=', former.id)
      .execute()
    expect(places.map((place) => [place.structure_id, place.is_primary]).sort()).toEqual(
      [
        [clinic.structureId, true],
        [annex.structureId, false],
      ].sort(),
    )
    const events = await t.app.deps.db
      .selectFrom('lab_events')
      .select(['type', 'structure_id'])
      .where('account_id', '=', former.id)
      .execute()
    expect(events).toContainEqual({ type: 'practice_place.added', structure_id: annex.structureId })

    // The user is told the account was updated (no new code); the requester only afterwards.
    const [notice] = await outboxRows(address)
    expect(notice).toMatchObject({ template: 'account_request.account_updated' })
    expect((await outboxRows(manager.email)).at(-1)).toMatchObject({
      template: 'account_request.fulfilled',
      after_id: notice?.id,
    })
    await t.deliverMail()
    expect(subjects(address)).toEqual(['Sésame : votre compte a été mis à jour'])
    expect(t.mail.to(address)[0]?.text).not.toMatch(PROVISIONAL_CODE)
    expect(t.mail.to(manager.email).at(-1)?.text).toContain(
      'Le compte existant de « Sophie Lavoie » a été mis à jour',
    )
  })
})

describe('refusals', () => {
  // A manager of their own, with the mandate on both structures: each refusal runs alone.
  let manager: Person
  beforeAll(async () => {
    manager = await anAccount(t.app, { email: anAddress('refused.manager') })
    await giveMandate(manager, clinic.structureId)
    await giveMandate(manager, annex.structureId)
  })
  const problemFields = (body: { errors?: { field: string }[] }) =>
    (body.errors ?? []).map((error) => error.field)

  it('a manager without the mandate on one of the workplaces is refused (403), and nothing is recorded', async () => {
    const before = await t.app.deps.db.selectFrom('account_requests').select('id').execute()
    const response = await submit(
      manager,
      aRequestBody({
        workplaces: [
          { structureId: clinic.structureId, primary: true },
          { structureId: elsewhere.structureId, primary: false },
        ],
      }),
    )
    expect(response.statusCode).toBe(403)
    expect(response.json().code).toBe('not_account_manager')
    const nobody = await anAccount(t.app)
    expect((await submit(nobody, aRequestBody())).statusCode).toBe(403)
    expect(await t.app.deps.db.selectFrom('account_requests').select('id').execute()).toHaveLength(
      before.length,
    )
  })

  it('a request whose manager lost a mandate meanwhile cannot be fulfilled, only rejected', async () => {
    const leaving = await anAccount(t.app)
    await giveMandate(leaving, clinic.structureId)
    await giveMandate(leaving, annex.structureId)
    const created = await submit(leaving, aRequestBody())
    expect(created.statusCode, created.body).toBe(201)
    await t.app.deps.db
      .deleteFrom('mandates')
      .where('account_id', '=', leaving.id)
      .where('structure_id', '=', annex.structureId)
      .execute()
    const fulfil = await decide(created.json().id, { decision: 'fulfil' })
    expect(fulfil.statusCode).toBe(409)
    expect(fulfil.json().code).toBe('requester_not_manager')
    const still = await t.app.deps.db
      .selectFrom('account_requests')
      .select(['status', 'account_id'])
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow()
    expect(still).toEqual({ status: 'pending', account_id: null })
    expect(
      (await decide(created.json().id, { decision: 'reject', reason: 'Plus gestionnaire' })).statusCode,
    ).toBe(200)
  })

  it('the requester’s own address is refused, whatever its case', async () => {
    const response = await submit(manager, aRequestBody({ email: manager.email.toUpperCase() }))
    expect(response.statusCode).toBe(422)
    expect(response.json()).toMatchObject({ code: 'own_address' })
    expect(problemFields(response.json())).toEqual(['email'])
    // Not as a previous account either.
    expect(
      (await submit(manager, aRequestBody({ email: manager.email, previousAccount: true }))).statusCode,
    ).toBe(422)
  })

  it('a professional occupation without RPPS, and administrative with an RPPS, are refused (400)', async () => {
    const withoutRpps = await submit(manager, aRequestBody({ occupation: '10', rpps: undefined }))
    expect(withoutRpps.statusCode).toBe(400)
    expect(problemFields(withoutRpps.json())).toEqual(['rpps'])
    const invalidRpps = await submit(manager, aRequestBody({ rpps: '12345678901' }))
    expect(invalidRpps.statusCode).toBe(400)
    expect(problemFields(invalidRpps.json())).toEqual(['rpps'])
    const administrative = await submit(manager, aRequestBody({ occupation: 'administrative' }))
    expect(administrative.statusCode).toBe(400)
    expect(problemFields(administrative.json())).toEqual(['rpps'])
  })

  it('field problems are named, all at once (400)', async () => {
    const response = await submit(
      manager,
      aRequestBody({
        occupation: 'secretary',
        rpps: undefined,
        workplaces: [
          { structureId: clinic.structureId, primary: true },
          { structureId: annex.structureId, primary: true },
        ],
        labRegistrations: [
          { labId: clinic.labId, number: '1' },
          { labId: clinic.labId, number: '2' },
        ],
      }),
    )
    expect(response.statusCode).toBe(400)
    expect(problemFields(response.json()).sort()).toEqual([
      'labRegistrations.1.labId',
      'occupation',
      'workplaces',
    ])
    const empty = await submit(manager, { ...aRequestBody(), workplaces: [], unexpected: true })
    expect(empty.statusCode).toBe(400)
    expect(problemFields(empty.json()).sort()).toEqual(['unexpected', 'workplaces'])
  })

  it('unknown structures, labs and reference accounts are refused (422)', async () => {
    const structure = await submit(
      manager,
      aRequestBody({ workplaces: [{ structureId: randomUUID(), primary: true }] }),
    )
    expect(structure.statusCode).toBe(422)
    expect(problemFields(structure.json())).toEqual(['workplaces.0.structureId'])
    const lab = await submit(
      manager,
      aRequestBody({ labRegistrations: [{ labId: 'no-such-lab', number: '1' }] }),
    )
    expect(lab.statusCode).toBe(422)
    expect(problemFields(lab.json())).toEqual(['labRegistrations.0.labId'])
    const account = await submit(manager, aRequestBody({ referenceAccountId: randomUUID() }))
    expect(account.statusCode).toBe(422)
    expect(problemFields(account.json())).toEqual(['referenceAccountId'])
  })

  it('two support fulfilments at once: one 200, one 409, one account', async () => {
    const body = aRequestBody()
    const created = await submit(manager, body)
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().id
    const secondAgent = await anAccount(t.app, { roles: ['support'] })
    const answers = await Promise.all([
      decide(id, { decision: 'fulfil' }),
      decide(id, { decision: 'fulfil' }, secondAgent),
    ])
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409])
    expect(answers.find((answer) => answer.statusCode === 409)?.json().code).toBe('already_decided')
    const holders = await t.app.deps.db
      .selectFrom('account_emails')
      .select('account_id')
      .where('address_key', '=', body.email)
      .execute()
    expect(holders).toHaveLength(1)
    const welcomes = await outboxRows(body.email)
    expect(welcomes).toHaveLength(1)
    // Decided is decided: neither a second fulfilment nor a rejection.
    expect((await decide(id, { decision: 'reject', reason: 'Trop tard' })).statusCode).toBe(409)
  })

  it('the account carries the civility asked; without one, only the support desk’s fulfils the request', async () => {
    const civilityOf = (email: string) =>
      t.app.deps.db
        .selectFrom('account_emails as e')
        .innerJoin('accounts as a', 'a.id', 'e.account_id')
        .select('a.civility')
        .where('e.address_key', '=', email)
        .executeTakeFirst()
    const asked = aRequestBody({ civility: 'M', firstName: 'Marc' })
    const withOne = await submit(manager, asked)
    expect(withOne.json().status).toBe('pending')
    // The request's civility stands, whatever the support desk says.
    const fulfilled = await decide(withOne.json().id, { decision: 'fulfil', civility: 'MME' })
    expect(fulfilled.statusCode, fulfilled.body).toBe(200)
    expect(fulfilled.json().civility).toBe('M')
    expect(await civilityOf(asked.email)).toEqual({ civility: 'M' })

    const unsaid = aRequestBody({ civility: undefined })
    const withNone = await submit(manager, unsaid)
    expect(withNone.statusCode, withNone.body).toBe(201)
    const refused = await decide(withNone.json().id, { decision: 'fulfil' })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().code).toBe('civility_required')
    expect(await civilityOf(unsaid.email)).toBeUndefined()
    const given = await decide(withNone.json().id, { decision: 'fulfil', civility: 'MME' })
    expect(given.statusCode, given.body).toBe(200)
    expect(given.json().civility).toBe('MME')
    expect(await civilityOf(unsaid.email)).toEqual({ civility: 'MME' })

    // Neither the request nor the decision takes another value.
    expect((await submit(manager, aRequestBody({ civility: 'DR' }))).statusCode).toBe(400)
    expect((await submit(manager, aRequestBody({ civility: 'M\u0000' }))).statusCode).toBe(400)
    const pending = await submit(manager, aRequestBody({ civility: undefined }))
    expect((await decide(pending.json().id, { decision: 'fulfil', civility: 'Mme' })).statusCode).toBe(400)
  })

  it('a rejection needs a reason; an unknown request is 404', async () => {
    const created = await submit(manager, aRequestBody())
    const id = created.json().id
    const noReason = await decide(id, { decision: 'reject' })
    expect(noReason.statusCode).toBe(400)
    expect(problemFields(noReason.json())).toEqual(['reason'])
    expect((await decide(randomUUID(), { decision: 'fulfil' })).statusCode).toBe(404)
    expect((await decide(id, { decision: 'reject', reason: 'Doublon' })).statusCode).toBe(200)
  })

  it('a non-support person on the support endpoints is refused (403)', async () => {
    const created = await submit(manager, aRequestBody())
    const id = created.json().id
    expect(
      (await t.app.inject({ url: '/v1/admin/account-requests', headers: manager.headers })).statusCode,
    ).toBe(403)
    expect((await decide(id, { decision: 'fulfil' }, manager)).statusCode).toBe(403)
    expect(
      (await t.app.inject({ url: `/v1/admin/account-requests/${id}`, headers: manager.headers })).statusCode,
    ).toBe(403)
    const stillPending = await t.app.deps.db
      .selectFrom('account_requests')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(stillPending.status).toBe('pending')
  })

  it('no token: 401 everywhere', async () => {
    const id = randomUUID()
    const answers = await Promise.all([
      t.app.inject({ method: 'POST', url: '/v1/account-requests', payload: aRequestBody() }),
      t.app.inject({ url: '/v1/account-requests' }),
      t.app.inject({ url: '/v1/admin/account-requests' }),
      t.app.inject({ url: `/v1/admin/account-requests/${id}` }),
      t.app.inject({
        method: 'POST',
        url: `/v1/admin/account-requests/${id}/fulfilment`,
        payload: { decision: 'fulfil' },
      }),
    ])
    expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401])
  })
})
