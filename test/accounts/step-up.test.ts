import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import {
  aPractice,
  type Practice,
  proveEmail,
  register,
  STRONG_PASSWORD,
  signIn,
  stepUp,
  validateAccount,
} from '../helpers/people.ts'

/**
 * A stolen 10-minute access token once became a permanent takeover (a new login address, a new
 * password, the authenticator removed). Those changes now need a re-authentication of less than 10
 * minutes: the password again, and a code.
 */
type Headers = { authorization: string }
let t: TestApp
let practice: Practice

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t)
})
afterAll(() => t.close())

async function aDoctor(email: string) {
  const registered = await register(t, practice, { email })
  expect(registered.statusCode, registered.body).toBe(201)
  await validateAccount(t, registered.json().id)
  const session = await signIn(t, email)
  return { id: registered.json().id as string, email, ...session }
}

const call = (
  headers: Headers,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers, ...(payload && { payload }) })
const claimsOf = (headers: Headers) =>
  JSON.parse(Buffer.from(headers.authorization.split('.')[1] ?? '', 'base64url').toString())

describe('a token whose authentication is older than 10 minutes', () => {
  let doctor: Awaited<ReturnType<typeof aDoctor>>
  let otherEmailId: string

  beforeAll(async () => {
    doctor = await aDoctor('dr.volee@example.org')
    const proof = await proveEmail(t, 'dr.volee.perso@example.org', 'add_email')
    const added = await call(doctor.headers, 'POST', '/v1/me/emails', { proof })
    expect(added.statusCode, added.body).toBe(201)
    otherEmailId = added.json().id
    t.clock.advance(10 * 60_000 + 1000)
  })

  it.each([
    ['adding an address', 'POST', '/v1/me/emails', { proof: 'x'.repeat(30) }],
    ['making an address the login one', 'PATCH', '/v1/me/emails/{other}', { login: true }],
    ['making an address the notification one', 'PATCH', '/v1/me/emails/{other}', { notification: true }],
    ['removing an address', 'DELETE', '/v1/me/emails/{other}', undefined],
    [
      'changing the password',
      'PUT',
      '/v1/me/password',
      { password: 'x'.repeat(16), passwordConfirmation: 'x'.repeat(16) },
    ],
    ['setting up an authenticator app', 'POST', '/v1/me/totp', undefined],
    ['confirming an authenticator app', 'POST', '/v1/me/totp/confirm', { code: '123456' }],
    ['removing the authenticator app', 'DELETE', '/v1/me/totp', undefined],
    [
      'creating a delegation',
      'POST',
      '/v1/me/delegations',
      {
        structureId: '00000000-0000-4000-8000-000000000000',
        delegateId: '00000000-0000-4000-8000-000000000001',
      },
    ],
    ['asking for a new RPPS', 'PATCH', '/v1/me', { rpps: '10000000007' }],
    [
      'withdrawing a delegation',
      'DELETE',
      '/v1/me/delegations/00000000-0000-4000-8000-000000000000',
      undefined,
    ],
  ] as const)('may not be used for %s: 401 step_up_required', async (_what, method, url, payload) => {
    const refused = await call(doctor.headers, method, url.replace('{other}', otherEmailId), payload)
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.json().code).toBe('step_up_required')
    expect(refused.headers['www-authenticate']).toContain('insufficient_user_authentication')
  })

  it('still serves what is not sensitive: reading, and choosing the applications of an address', async () => {
    expect((await call(doctor.headers, 'GET', '/v1/me')).statusCode).toBe(200)
    const apps = await call(doctor.headers, 'PATCH', `/v1/me/emails/${otherEmailId}`, { applications: [] })
    expect(apps.statusCode, apps.body).toBe(200)
  })

  it('a wrong password does not step up, and is counted as a sign-in failure', async () => {
    const wrong = await call(doctor.headers, 'POST', '/v1/auth/step-up', {
      password: 'not-my-password-at-all',
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().code).toBe('invalid_credentials')
    const failures = await t.app.deps.db
      .selectFrom('sign_in_failures')
      .select('failures')
      .where('key', '=', `account:${doctor.email}`)
      .executeTakeFirst()
    expect(failures?.failures).toBe(1)
  })

  it('after a step-up (password and mailed code), the same session may make the change, and refreshes stay fresh', async () => {
    const fresh = await stepUp(t, doctor.headers, doctor.email)
    expect(claimsOf(fresh).sid).toBe(claimsOf(doctor.headers).sid)
    expect(claimsOf(fresh).auth_time).toBe(Math.floor(t.clock.now().getTime() / 1000))
    const removed = await call(fresh, 'DELETE', `/v1/me/emails/${otherEmailId}`)
    expect(removed.statusCode, removed.body).toBe(204)
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: doctor.refreshToken },
    })
    expect(claimsOf({ authorization: `Bearer ${refreshed.json().accessToken}` }).auth_time).toBe(
      claimsOf(fresh).auth_time,
    )
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', doctor.id)
      .execute()
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(['auth.step_up_started', 'auth.stepped_up']),
    )
  })
})

describe('a step-up challenge', () => {
  it('is answered only in its own session, never with a sign-in challenge, and dies after 5 wrong codes', async () => {
    const doctor = await aDoctor('dr.defi@example.org')
    const other = await signIn(t, doctor.email)
    const started = await call(doctor.headers, 'POST', '/v1/auth/step-up', { password: STRONG_PASSWORD })
    expect(started.statusCode).toBe(202)
    await t.deliverMail()
    const code = t.mail.lastCode(doctor.email)
    expect(t.mail.to(doctor.email).at(-1)?.subject).toBe('Sésame : confirmez qu’il s’agit bien de vous')
    // Another session of the same person cannot use it, nor can the sign-in endpoint.
    const elsewhere = await call(other.headers, 'POST', `/v1/auth/step-up/${started.json().challengeId}`, {
      code,
    })
    expect(elsewhere.statusCode).toBe(401)
    const asSignIn = await t.app.inject({
      method: 'POST',
      url: `/v1/auth/login/${started.json().challengeId}`,
      payload: { code },
    })
    expect(asSignIn.statusCode).toBe(401)
    // Without a bearer, nothing.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/auth/step-up',
          payload: { password: STRONG_PASSWORD },
        })
      ).statusCode,
    ).toBe(401)
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++)
      expect(
        (
          await call(doctor.headers, 'POST', `/v1/auth/step-up/${started.json().challengeId}`, {
            code: wrong,
          })
        ).statusCode,
      ).toBe(401)
    expect(
      (await call(doctor.headers, 'POST', `/v1/auth/step-up/${started.json().challengeId}`, { code }))
        .statusCode,
    ).toBe(401)
  })

  it('asks the authenticator app’s code when one is set up', async () => {
    const doctor = await aDoctor('dr.totp.stepup@example.org')
    const enrolled = await call(doctor.headers, 'POST', '/v1/me/totp')
    expect(enrolled.statusCode).toBe(201)
    const { secret } = enrolled.json()
    const now = () => Math.floor(t.clock.now().getTime() / 1000)
    expect(
      (
        await call(doctor.headers, 'POST', '/v1/me/totp/confirm', {
          code: await generate({ secret, epoch: now() }),
        })
      ).statusCode,
    ).toBe(204)
    t.clock.advance(11 * 60_000)
    const started = await call(doctor.headers, 'POST', '/v1/auth/step-up', { password: STRONG_PASSWORD })
    expect(started.json().factors).toEqual(['totp'])
    t.clock.advance(30_000)
    const done = await call(doctor.headers, 'POST', `/v1/auth/step-up/${started.json().challengeId}`, {
      code: await generate({ secret, epoch: now() }),
    })
    expect(done.statusCode, done.body).toBe(200)
    const fresh = { authorization: `Bearer ${done.json().accessToken}` }
    expect((await call(fresh, 'DELETE', '/v1/me/totp')).statusCode).toBe(204)
  })
})

describe('after a step-up', () => {
  it('a new login address is told to the former one, and the other sessions end', async () => {
    const doctor = await aDoctor('dr.change@example.org')
    const laptop = await signIn(t, doctor.email)
    const proof = await proveEmail(t, 'dr.change.nouveau@example.org', 'add_email')
    const added = await call(doctor.headers, 'POST', '/v1/me/emails', { proof })
    const promoted = await call(doctor.headers, 'PATCH', `/v1/me/emails/${added.json().id}`, { login: true })
    expect(promoted.statusCode, promoted.body).toBe(200)
    await t.deliverMail()
    expect(t.mail.to(doctor.email).at(-1)?.text).toContain('dr.change.nouveau@example.org')
    expect((await call(laptop.headers, 'GET', '/v1/me')).statusCode).toBe(401)
    expect((await call(doctor.headers, 'GET', '/v1/me')).statusCode).toBe(200)
  })

  it('a new password ends the other sessions, keeps this one, and the old one no longer signs in', async () => {
    const doctor = await aDoctor('dr.motdepasse@example.org')
    const phone = await signIn(t, doctor.email)
    const weak = await call(doctor.headers, 'PUT', '/v1/me/password', {
      password: 'azerty',
      passwordConfirmation: 'azerty',
    })
    expect(weak.statusCode).toBe(400)
    expect(weak.json().code).toBe('weak_password')
    const next = 'Un-autre-mot-de-passe-solide-9'
    const changed = await call(doctor.headers, 'PUT', '/v1/me/password', {
      password: next,
      passwordConfirmation: next,
    })
    expect(changed.statusCode, changed.body).toBe(204)
    expect((await call(phone.headers, 'GET', '/v1/me')).statusCode).toBe(401)
    expect((await call(doctor.headers, 'GET', '/v1/me')).statusCode).toBe(200)
    const old = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: doctor.email, password: STRONG_PASSWORD },
    })
    expect(old.statusCode).toBe(401)
    await t.deliverMail()
    expect(t.mail.to(doctor.email).at(-1)?.subject).toBe('Sésame : mot de passe modifié')
  })
})

describe('step-up passwords, counted as sign-in failures', () => {
  it('hold a client that keeps failing, even with the right password, until its delay is out; a success clears the counts', async () => {
    const doctor = await aDoctor('dr.obstine@example.org')
    const stepUpWith = (password: string) => call(doctor.headers, 'POST', '/v1/auth/step-up', { password })
    for (let i = 0; i < 5; i++) expect((await stepUpWith(`not-it-${i}`)).statusCode).toBe(401)
    const held = await stepUpWith(STRONG_PASSWORD)
    expect(held.statusCode).toBe(429)
    expect(held.headers['retry-after']).toBe('1')
    t.clock.advance(1000)
    expect((await stepUpWith(STRONG_PASSWORD)).statusCode).toBe(202)
    const counts = await t.app.deps.db
      .selectFrom('sign_in_failures')
      .select('key')
      .where((eb) =>
        eb.or([eb('key', '=', `account:${doctor.email}`), eb('key', 'like', `client:${doctor.email}:%`)]),
      )
      .execute()
    expect(counts).toEqual([])
  })
})
