import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { anRpps } from '../helpers/builders.ts'
import { placeAt } from '../helpers/members.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>

let t: TestApp
let clinic: Practice
let elsewhere: Practice
let support: Person
let manager: Person

const anAddress = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.org`

function aRequestBody(overrides: Record<string, unknown> = {}) {
  return {
    civility: 'MME',
    firstName: 'Julie',
    lastName: 'Tremblay',
    email: anAddress('julie.tremblay'),
    previousAccount: false,
    workplaces: [{ structureId: clinic.structureId, primary: true }],
    occupation: 'administrative',
    ...overrides,
  }
}

const submit = (payload: object, by: Person = manager) =>
  t.app.inject({ method: 'POST', url: '/v1/account-requests', headers: by.headers, payload })
const review = (id: string, by: Person = support) =>
  t.app.inject({ url: `/v1/admin/account-requests/${id}`, headers: by.headers })
const fulfil = (id: string) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/admin/account-requests/${id}/fulfilment`,
    headers: support.headers,
    payload: { decision: 'fulfil' },
  })
const accountRow = (id: string) =>
  t.app.deps.db
    .selectFrom('accounts')
    .select(['first_name', 'last_name', 'profile', 'rpps', 'roles'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

/** Submitted as the manager: always the same answer; then what support sees and what fulfilment says. */
async function submittedThenFulfilled(body: object) {
  const submitted = await submit(body)
  expect(submitted.statusCode, submitted.body).toBe(201)
  expect(Object.keys(submitted.json()).sort()).toEqual(['dueAt', 'id', 'status'])
  const id = submitted.json().id as string
  const seen = await review(id)
  expect(seen.statusCode, seen.body).toBe(200)
  return { id, review: seen.json(), fulfilment: await fulfil(id) }
}

beforeAll(async () => {
  t = await createTestApp()
  clinic = await aPractice(t)
  elsewhere = await aPractice(t)
  support = await anAccount(t.app, { roles: ['support'] })
  manager = await anAccount(t.app, { email: anAddress('manager') })
  await t.app.deps.db
    .insertInto('mandates')
    .values({
      account_id: manager.id,
      structure_id: clinic.structureId,
      mandate: 'account_manager',
      granted_at: t.clock.now(),
      granted_by: support.id,
    })
    .execute()
})
afterAll(() => t.close())

describe('what a manager’s request tells of existing accounts: nothing', () => {
  it('answers an address in use exactly as an unused one', async () => {
    const used = await anAccount(t.app, { email: anAddress('used') })
    const answers = [
      await submit(aRequestBody({ email: used.email })),
      await submit(aRequestBody()),
      await submit(aRequestBody({ email: anAddress('nobody'), previousAccount: true })),
    ]
    for (const answer of answers) {
      expect(answer.statusCode).toBe(201)
      expect(answer.json()).toEqual({ id: expect.any(String), status: 'pending', dueAt: expect.any(String) })
    }
  })

  it('leaves support to see the address taken beside the request, and fulfilment refuses it', async () => {
    const used = await anAccount(t.app, { email: anAddress('taken') })
    const { review: seen, fulfilment } = await submittedThenFulfilled(aRequestBody({ email: used.email }))
    expect(seen.target).toMatchObject({ id: used.id, roles: [], managedByRequester: false })
    expect(seen.conflicts.map((conflict: { code: string }) => conflict.code)).toEqual(['address_taken'])
    expect(fulfilment.statusCode).toBe(409)
    expect(fulfilment.json().code).toBe('address_taken')
  })

  it('leaves support to see that no account has the address of a “previous” one', async () => {
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: anAddress('ghost'), previousAccount: true }),
    )
    expect(seen.target).toBeNull()
    expect(seen.conflicts.map((conflict: { code: string }) => conflict.code)).toEqual([
      'previous_account_not_found',
    ])
    expect(fulfilment.json().code).toBe('previous_account_not_found')
  })
})

describe('a previous account reaches only the manager’s own people', () => {
  it('refuses, at fulfilment, an account with no practice place at the manager’s structures', async () => {
    const stranger = await anAccount(t.app, { email: anAddress('stranger') })
    await placeAt(t.app, stranger.id, elsewhere.structureId)
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: stranger.email, previousAccount: true, firstName: 'Renamed' }),
    )
    expect(seen.target).toMatchObject({
      id: stranger.id,
      managedByRequester: false,
      practicePlaces: [{ structureId: elsewhere.structureId }],
    })
    expect(fulfilment.statusCode).toBe(409)
    expect(fulfilment.json().code).toBe('previous_account_elsewhere')
    expect((await accountRow(stranger.id)).first_name).toBe('Test')
  })

  it('does not count a place still waiting for confirmation at the manager’s structure', async () => {
    const newcomer = await anAccount(t.app, { email: anAddress('newcomer') })
    await placeAt(t.app, newcomer.id, clinic.structureId, 'pending')
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: newcomer.email, previousAccount: true }),
    )
    expect(seen.target).toMatchObject({
      managedByRequester: false,
      practicePlaces: [{ structureId: clinic.structureId, status: 'pending' }],
    })
    expect(fulfilment.json().code).toBe('previous_account_elsewhere')
  })

  it('refuses a support agent’s account, even one with a place at the manager’s structure', async () => {
    const agent = await anAccount(t.app, { roles: ['support'], email: anAddress('agent') })
    await placeAt(t.app, agent.id, clinic.structureId)
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: agent.email, previousAccount: true, firstName: 'Renamed', lastName: 'Agent' }),
    )
    expect(seen.target).toMatchObject({ id: agent.id, roles: ['support'], managedByRequester: true })
    expect(seen.conflicts.map((conflict: { code: string }) => conflict.code)).toEqual([
      'previous_account_has_role',
    ])
    expect(fulfilment.json().code).toBe('previous_account_has_role')
    expect(await accountRow(agent.id)).toMatchObject({ first_name: 'Test', roles: ['support'] })
  })

  it('refuses a professional’s account asked as administrative, and shows support the profile', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional', email: anAddress('doctor') })
    await placeAt(t.app, doctor.id, clinic.structureId)
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: doctor.email, previousAccount: true }),
    )
    expect(seen.target).toMatchObject({ profile: 'health_professional', rpps: expect.any(String) })
    expect(fulfilment.json().code).toBe('professional_account')
  })

  it('updates an account of the manager’s structure that holds no role', async () => {
    const secretary = await anAccount(t.app, { profile: 'collaborator', email: anAddress('secretary') })
    await placeAt(t.app, secretary.id, clinic.structureId)
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: secretary.email, previousAccount: true, firstName: 'Inès', lastName: 'Roux' }),
    )
    expect(seen.conflicts).toEqual([])
    expect(fulfilment.statusCode, fulfilment.body).toBe(200)
    expect(await accountRow(secretary.id)).toMatchObject({ first_name: 'Inès', last_name: 'Roux' })
  })
})

describe('a previous account made professional: places where the manager decides nothing wait', () => {
  it('confirms the place at the manager’s own structure, and leaves the hospital’s to its doctor', async () => {
    // Dr Morel manages accounts at her practice, where she practises, and at a hospital she does not.
    const own = await aPractice(t)
    const hospital = await aPractice(t)
    const morel = await anAccount(t.app, { profile: 'health_professional', email: anAddress('morel') })
    const hospitalDoctor = await anAccount(t.app, { profile: 'health_professional', email: anAddress('hd') })
    await placeAt(t.app, morel.id, own.structureId)
    await placeAt(t.app, hospitalDoctor.id, hospital.structureId)
    for (const structureId of [own.structureId, hospital.structureId])
      await t.app.deps.db
        .insertInto('mandates')
        .values({
          account_id: morel.id,
          structure_id: structureId,
          mandate: 'account_manager',
          granted_at: t.clock.now(),
          granted_by: support.id,
        })
        .execute()
    const nurse = await anAccount(t.app, { profile: 'collaborator', email: anAddress('nurse') })
    await placeAt(t.app, nurse.id, own.structureId)
    const submitted = await submit(
      aRequestBody({
        email: nurse.email,
        previousAccount: true,
        occupation: '10',
        rpps: anRpps(),
        workplaces: [
          { structureId: own.structureId, primary: true },
          { structureId: hospital.structureId, primary: false },
        ],
      }),
      morel,
    )
    expect(submitted.statusCode, submitted.body).toBe(201)
    const fulfilment = await fulfil(submitted.json().id)
    expect(fulfilment.statusCode, fulfilment.body).toBe(200)
    expect(await accountRow(nurse.id)).toMatchObject({ profile: 'health_professional' })

    const places = async () =>
      Object.fromEntries(
        (await t.app.inject({ url: '/v1/me/practice-places', headers: nurse.headers }))
          .json()
          .items.map((place: { structure: { id: string }; status: string }) => [
            place.structure.id,
            place.status,
          ]),
      )
    expect(await places()).toEqual({ [own.structureId]: 'confirmed', [hospital.structureId]: 'pending' })

    // The hospital's doctor has it in her queue; Dr Morel, who only manages accounts there, may not decide it.
    const queue = await t.app.inject({ url: '/v1/place-confirmations', headers: hospitalDoctor.headers })
    const waiting = queue.json().items.find((item: { person: { id: string } }) => item.person.id === nurse.id)
    expect(waiting).toBeDefined()
    const decide = (by: Person) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/place-confirmations/${waiting.id}/decision`,
        headers: by.headers,
        payload: { decision: 'confirm' },
      })
    expect((await decide(morel)).statusCode).toBe(403)
    const confirmed = await decide(hospitalDoctor)
    expect(confirmed.statusCode, confirmed.body).toBe(200)
    expect(await places()).toEqual({ [own.structureId]: 'confirmed', [hospital.structureId]: 'confirmed' })
  })
})

describe('an RPPS in an account request', () => {
  it('must be in the RPPS directory once it is imported; before, a valid one is enough', async () => {
    const invented = anRpps()
    const before = await submit(aRequestBody({ occupation: '10', rpps: invented }))
    expect(before.statusCode, before.body).toBe(201)

    const known = anRpps()
    await t.app.deps.db
      .insertInto('directory_persons')
      .values({
        rpps: known,
        id_type: '8',
        national_id: `8${known}`,
        civility_code: 'M',
        civility_label: 'Monsieur',
        practice_civility_code: 'DR',
        practice_civility_label: 'Docteur',
        last_name: 'GIRARD',
        first_name: 'Paul',
        search_last_name: 'girard',
        search_first_name: 'paul',
        search_vector: '',
      })
      .execute()
    try {
      const unknown = await submit(aRequestBody({ occupation: '10', rpps: anRpps() }))
      expect(unknown.statusCode).toBe(422)
      expect(unknown.json()).toMatchObject({ code: 'unknown_rpps', errors: [{ field: 'rpps' }] })
      expect((await submit(aRequestBody({ occupation: '10', rpps: known }))).statusCode).toBe(201)
    } finally {
      await t.app.deps.db.deleteFrom('directory_persons').execute()
    }
  })

  it('may not turn a collaborator into a professional whose RPPS another account carries', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    const { rpps } = await accountRow(doctor.id)
    const secretary = await anAccount(t.app, { profile: 'collaborator', email: anAddress('turned') })
    await placeAt(t.app, secretary.id, clinic.structureId)
    const { review: seen, fulfilment } = await submittedThenFulfilled(
      aRequestBody({ email: secretary.email, previousAccount: true, occupation: '10', rpps }),
    )
    expect(seen.conflicts.map((conflict: { code: string }) => conflict.code)).toEqual(['rpps_taken'])
    expect(fulfilment.json().code).toBe('rpps_taken')
    expect((await accountRow(secretary.id)).profile).toBe('collaborator')
  })

  it('with a bad check digit or control characters is a 400 problem, never a 500', async () => {
    const bad = await submit(aRequestBody({ occupation: '10', rpps: '10003456787' }))
    expect(bad.statusCode).toBe(400)
    const control = await submit(aRequestBody({ occupation: '10', rpps: '1000345678\u0000' }))
    expect(control.statusCode).toBe(400)
    expect(control.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

describe('who may NOT see the review', () => {
  it('refuses the manager, a lab client and an anonymous caller; a bad id is a 400', async () => {
    const created = await submit(aRequestBody())
    const id = created.json().id as string
    expect((await review(id, manager)).statusCode).toBe(403)
    expect(
      (await t.app.inject({ url: `/v1/admin/account-requests/${id}`, headers: clinic.lab })).statusCode,
    ).toBe(403)
    expect((await t.app.inject({ url: `/v1/admin/account-requests/${id}` })).statusCode).toBe(401)
    expect((await review('not-a-uuid%00')).statusCode).toBe(400)
    expect((await review(randomUUID())).statusCode).toBe(404)
  })
})
