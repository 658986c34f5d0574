import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { askRights, grantRight, placeAt } from '../helpers/members.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

/**
 * The hot reads check the session in their own statement (`guard.personChecked`): a session signed out,
 * expired, or of an account no longer active stops them at once with the same 401 as every other
 * route, long before the access token expires; and who may not read still may not.
 */
type Person = Awaited<ReturnType<typeof anAccount>>
let t: TestApp
let here: Practice
let elsewhere: Practice

const READS = [
  '/v1/me',
  '/v1/approvals',
  '/v1/me/collaborators',
  '/v1/mailboxes/directory?q=pharmacie',
] as const

/** A professional confirmed at the practice: every read answers them. */
async function aProfessional(practice = here) {
  const person = await anAccount(t.app, { profile: 'health_professional' })
  await placeAt(t.app, person.id, practice.structureId)
  return person
}

const sessionOf = async (person: Person) =>
  (
    await t.app.deps.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', person.id)
      .executeTakeFirstOrThrow()
  ).id

const read = (person: Person | { headers: { authorization: string } }, url: string) =>
  t.app.inject({ url, headers: person.headers })

function expectSessionEnded(response: Awaited<ReturnType<typeof read>>) {
  expect(response.statusCode, response.body).toBe(401)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(response.json()).toMatchObject({ code: 'invalid_token', detail: 'This session has ended.' })
}

beforeAll(async () => {
  t = await createTestApp()
  here = await aPractice(t)
  elsewhere = await aPractice(t)
})
afterAll(() => t?.close())

describe('a hot read stops with the session, not with the token', () => {
  it.each(READS)('%s: answered while the session is open', async (url) => {
    const person = await aProfessional()
    const response = await read(person, url)
    expect(response.statusCode, response.body).toBe(200)
  })

  it.each(READS)('%s: 401 at once after signing out', async (url) => {
    const person = await aProfessional()
    expect((await read(person, url)).statusCode).toBe(200)
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: person.headers })
    expect(out.statusCode, out.body).toBe(204)
    expectSessionEnded(await read(person, url))
  })

  it.each(READS)('%s: 401 at once when the account is suspended', async (url) => {
    const person = await aProfessional()
    expect((await read(person, url)).statusCode).toBe(200)
    await t.app.deps.db
      .updateTable('accounts')
      .set({ status: 'suspended' })
      .where('id', '=', person.id)
      .execute()
    expectSessionEnded(await read(person, url))
  })

  it.each(READS)('%s: 401 once the session has expired, the token still unexpired', async (url) => {
    const person = await aProfessional()
    expect((await read(person, url)).statusCode).toBe(200)
    await t.app.deps.db
      .updateTable('sessions')
      .set({ expires_at: t.clock.now() })
      .where('id', '=', await sessionOf(person))
      .execute()
    expectSessionEnded(await read(person, url))
  })

  it.each(READS)('%s: a token of another session of the same account does not open this one', async (url) => {
    const person = await aProfessional()
    const other = await aProfessional()
    // The session of `other`, in a token naming `person`: the session must be this account's.
    const { token } = await t.app.deps.tokens.issue({
      typ: 'person',
      sub: person.id,
      sid: await sessionOf(other),
      amr: ['pwd', 'otp', 'mfa'],
      auth_time: Math.floor(t.clock.now().getTime() / 1000),
    })
    expectSessionEnded(await read({ headers: { authorization: `Bearer ${token}` } }, url))
  })

  it.each(READS)('%s: a lab token is refused', async (url) => {
    const response = await read({ headers: here.lab }, url)
    expect(response.statusCode, response.body).toBe(403)
    expect(response.json().code).toBe('forbidden')
  })

  it.each(READS)('%s: no token, or a forged one, is a 401', async (url) => {
    expect((await t.app.inject({ url })).statusCode).toBe(401)
    const forged = await read({ headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA' } }, url)
    expect(forged.statusCode).toBe(401)
    expect(forged.json().code).toBe('invalid_token')
  })
})

describe('who may not read still may not', () => {
  it("another structure's professional sees neither the collaborators nor the requests of this one", async () => {
    const doctor = await aProfessional(here)
    const secretary = await anAccount(t.app, { profile: 'collaborator' })
    await placeAt(t.app, secretary.id, here.structureId)
    await grantRight(t.app, secretary.id, here.structureId)
    const requestId = await askRights(t.app, {
      accountId: secretary.id,
      structureId: here.structureId,
      approverId: doctor.id,
      rights: ['invoices'],
    })

    const mine = await read(doctor, '/v1/me/collaborators')
    expect(mine.statusCode, mine.body).toBe(200)
    expect(mine.json().items).toEqual([
      expect.objectContaining({
        structureId: here.structureId,
        rights: ['results'],
        pendingRequest: { id: requestId, rights: ['invoices'] },
      }),
    ])
    expect((await read(doctor, '/v1/approvals')).json().items.map((item: { id: string }) => item.id)).toEqual(
      [requestId],
    )

    const stranger = await aProfessional(elsewhere)
    const theirs = await read(stranger, '/v1/me/collaborators')
    expect(theirs.statusCode, theirs.body).toBe(200)
    expect(theirs.json().items).toEqual([])
    expect((await read(stranger, '/v1/approvals')).json().items).toEqual([])
  })

  it('a collaborator, who approves nowhere, is refused the collaborators (403) and sees no approvals', async () => {
    const secretary = await anAccount(t.app, { profile: 'collaborator' })
    await placeAt(t.app, secretary.id, here.structureId)
    const collaborators = await read(secretary, '/v1/me/collaborators')
    expect(collaborators.statusCode, collaborators.body).toBe(403)
    expect(collaborators.json().code).toBe('forbidden')
    const approvals = await read(secretary, '/v1/approvals')
    expect(approvals.statusCode).toBe(200)
    expect(approvals.json().items).toEqual([])
  })

  it('the support desk still sees every request: roles come from the checked session', async () => {
    const support = await anAccount(t.app, { roles: ['support'] })
    const approvals = await read(support, '/v1/approvals?limit=100')
    expect(approvals.statusCode, approvals.body).toBe(200)
    expect(approvals.json().items.length).toBeGreaterThan(0)
    // The role withdrawn: at once, the support desk's view is gone.
    await t.app.deps.db.updateTable('accounts').set({ roles: [] }).where('id', '=', support.id).execute()
    expect((await read(support, '/v1/approvals?limit=100')).json().items).toEqual([])
  })

  it('control characters in a search are a 400 problem, never a 500', async () => {
    const person = await aProfessional()
    const response = await read(person, '/v1/mailboxes/directory?q=pharm%00acie')
    expect(response.statusCode, response.body).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

describe('what the collaborators show', () => {
  it('each person once per structure, by name, with the rights held and the request waiting; never a professional’s own rights', async () => {
    const practice = await aPractice(t)
    const doctor = await aProfessional(practice)
    const colleague = await aProfessional(practice)
    await grantRight(t.app, colleague.id, practice.structureId, 'invoices')
    const named = async (lastName: string, accountTitle: string | null) => {
      const person = await anAccount(t.app, { profile: 'collaborator' })
      await t.app.deps.db
        .updateTable('accounts')
        .set({ first_name: 'Julie', last_name: lastName, account_title: accountTitle })
        .where('id', '=', person.id)
        .execute()
      await placeAt(t.app, person.id, practice.structureId)
      return person
    }
    const bernard = await named('Bernard', null)
    const arnaud = await named('Arnaud', 'Secrétariat')
    await grantRight(t.app, arnaud.id, practice.structureId, 'results')
    await grantRight(t.app, arnaud.id, practice.structureId, 'invoices')
    const requestId = await askRights(t.app, {
      accountId: bernard.id,
      structureId: practice.structureId,
      approverId: doctor.id,
      rights: ['results', 'invoices'],
    })
    const structureName = (
      await t.app.deps.db
        .selectFrom('structures')
        .select('name')
        .where('id', '=', practice.structureId)
        .executeTakeFirstOrThrow()
    ).name
    const account = (person: Person, lastName: string, accountTitle: string | null) => ({
      id: person.id,
      civility: expect.any(String),
      firstName: 'Julie',
      lastName,
      accountTitle,
      status: 'active',
    })

    const collaborators = await read(doctor, '/v1/me/collaborators')
    expect(collaborators.statusCode, collaborators.body).toBe(200)
    expect(collaborators.json().items).toEqual([
      {
        account: account(arnaud, 'Arnaud', 'Secrétariat'),
        structureId: practice.structureId,
        structureName,
        rights: ['invoices', 'results'],
        pendingRequest: null,
      },
      {
        account: account(bernard, 'Bernard', null),
        structureId: practice.structureId,
        structureName,
        rights: [],
        pendingRequest: { id: requestId, rights: ['results', 'invoices'] },
      },
    ])
  })
})
