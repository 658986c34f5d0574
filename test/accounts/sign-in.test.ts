import { sql } from 'kysely'
import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepFailures } from '../../src/throttle/failures.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { aPractice, type Practice, proveEmail, register, STRONG_PASSWORD, signIn } from '../helpers/people.ts'

let t: TestApp
let practice: Practice

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t)
})
afterAll(() => t.close())

async function anActiveDoctor(email: string) {
  const registered = await register(t, practice, { email })
  expect(registered.statusCode, registered.body).toBe(201)
  await t.app.deps.db
    .updateTable('accounts')
    .set({ status: 'active' })
    .where('id', '=', registered.json().id)
    .execute()
  return registered.json().id as string
}

const login = (email: string, password: string, ip = '198.51.100.10') =>
  t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: ip })

/** The failure counts kept on an address: the address's own, and each client's. */
const countsOn = (email: string) =>
  t.app.deps.db
    .selectFrom('sign_in_failures')
    .select(['key', 'failures'])
    .where((eb) => eb.or([eb('key', '=', `account:${email}`), eb('key', 'like', `client:${email}:%`)]))
    .orderBy('key')
    .execute()

describe('email codes', () => {
  it('expire after 10 minutes', async () => {
    const requested = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'late@example.org', purpose: 'registration' },
    })
    await t.deliverMail()
    const code = t.mail.lastCode('late@example.org')
    t.clock.advance(10 * 60_000 + 1)
    const late = await t.app.inject({
      method: 'POST',
      url: `/v1/email-proofs/${requested.json().id}/confirm`,
      payload: { code },
    })
    expect(late.statusCode).toBe(422)
    expect(late.json().code).toBe('invalid_code')
  })

  it('are single use', async () => {
    const requested = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'once@example.org', purpose: 'registration' },
    })
    await t.deliverMail()
    const confirm = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/email-proofs/${requested.json().id}/confirm`,
        payload: { code: t.mail.lastCode('once@example.org') },
      })
    expect((await confirm()).statusCode).toBe(200)
    expect((await confirm()).statusCode).toBe(422)
  })

  it('allow 5 wrong tries from one client address; someone else’s guesses do not burn the owner’s code', async () => {
    const requested = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'guess@example.org', purpose: 'registration' },
    })
    await t.deliverMail()
    const right = t.mail.lastCode('guess@example.org')
    const wrong = right === '000000' ? '111111' : '000000'
    const confirm = (code: string, ip: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/email-proofs/${requested.json().id}/confirm`,
        payload: { code },
        remoteAddress: ip,
      })
    const tries = await Promise.all(Array.from({ length: 5 }, () => confirm(wrong, '203.0.113.66')))
    expect(tries.map((r) => r.statusCode)).toEqual([422, 422, 422, 422, 422])
    const sixth = await confirm(right, '203.0.113.66')
    expect(sixth.statusCode).toBe(429)
    expect(sixth.headers['retry-after']).toBeDefined()
    expect((await confirm(right, '198.51.100.7')).statusCode).toBe(200)
  })

  it('die after 20 wrong tries in all, even with the right code then', async () => {
    const requested = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'guessed.hard@example.org', purpose: 'registration' },
    })
    await t.deliverMail()
    const right = t.mail.lastCode('guessed.hard@example.org')
    const wrong = right === '000000' ? '111111' : '000000'
    for (let client = 0; client < 4; client++)
      for (let i = 0; i < 5; i++) {
        const attempt = await t.app.inject({
          method: 'POST',
          url: `/v1/email-proofs/${requested.json().id}/confirm`,
          payload: { code: wrong },
          remoteAddress: `203.0.113.${100 + client}`,
        })
        expect(attempt.statusCode).toBe(422)
      }
    const late = await t.app.inject({
      method: 'POST',
      url: `/v1/email-proofs/${requested.json().id}/confirm`,
      payload: { code: right },
      remoteAddress: '198.51.100.8',
    })
    expect(late.statusCode).toBe(422)
  })

  it('are not sent again for the same address within a minute', async () => {
    const ask = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/email-proofs',
        payload: { email: 'hurry@example.org', purpose: 'registration' },
      })
    expect((await ask()).statusCode).toBe(202)
    const again = await ask()
    expect(again.statusCode).toBe(429)
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0)
    t.clock.advance(61_000)
    expect((await ask()).statusCode).toBe(202)
  })

  it('are stored hashed, and sealed in the outbox until sent', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'sealed@example.org', purpose: 'registration' },
    })
    const row = await t.app.deps.db
      .selectFrom('outbox')
      .select(['payload', 'sealed'])
      .where('recipient', '=', 'sealed@example.org')
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(row.payload)).not.toMatch(/\d{6}/)
    await t.deliverMail()
    const code = t.mail.lastCode('sealed@example.org')
    const proofs = await t.app.deps.db
      .selectFrom('email_proofs')
      .select('code_hash')
      .where('address', '=', 'sealed@example.org')
      .execute()
    expect(proofs[0]?.code_hash).not.toContain(code)
    const sent = await t.app.deps.db
      .selectFrom('outbox')
      .select('sealed')
      .where('recipient', '=', 'sealed@example.org')
      .executeTakeFirstOrThrow()
    expect(sent.sealed).toBeNull()
  })
})

describe('no enumeration', () => {
  it('answers a proof request for a registered address exactly as for a new one, and mails no code', async () => {
    await anActiveDoctor('known@example.org')
    t.clock.advance(61_000)
    const known = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'known@example.org', purpose: 'registration' },
    })
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      payload: { email: 'stranger@example.org', purpose: 'registration' },
    })
    expect(known.statusCode).toBe(unknown.statusCode)
    expect(Object.keys(known.json()).sort()).toEqual(Object.keys(unknown.json()).sort())
    await t.deliverMail()
    const mail = t.mail.to('known@example.org').at(-1)
    expect(mail?.subject).toBe('Sésame : adresse déjà utilisée')
    expect(mail?.text).not.toMatch(/\b\d{6}\b/)
  })

  it('answers a wrong password and an unknown address with the same 401', async () => {
    await anActiveDoctor('wrongpass@example.org')
    const wrong = await login('wrongpass@example.org', 'not-the-password-at-all')
    const unknown = await login('nobody.here@example.org', 'not-the-password-at-all')
    expect(wrong.statusCode).toBe(401)
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined })
    expect(strip(wrong.json())).toEqual(strip(unknown.json()))
    expect(wrong.json().code).toBe('invalid_credentials')
  })

  it('refuses an account that is not active with the same 401, and audits why', async () => {
    const registered = await register(t, practice, { email: 'pending@example.org' })
    const refused = await login('pending@example.org', STRONG_PASSWORD)
    expect(refused.statusCode).toBe(401)
    expect(refused.json().code).toBe('invalid_credentials')
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select('reason')
      .where('subject_id', '=', registered.json().id)
      .where('action', '=', 'auth.sign_in_failed')
      .executeTakeFirst()
    expect(audit?.reason).toBe('account_pending_validation')
    // The password was right: nothing stays counted against the address.
    expect(await countsOn('pending@example.org')).toEqual([])
  })

  it('answers password resets the same for known and unknown addresses', async () => {
    await anActiveDoctor('reset.me@example.org')
    const known = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets',
      payload: { email: 'reset.me@example.org' },
    })
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets',
      payload: { email: 'ghost.reset@example.org' },
    })
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202])
    expect([known.body, unknown.body]).toEqual(['', ''])
    expect(known.headers['content-length']).toBe('0')
  })
})

describe('sign-in', () => {
  it('ten wrong passwords from ten client addresses do not keep the owner out', async () => {
    await anActiveDoctor('target@example.org')
    for (let i = 0; i < 10; i++)
      expect((await login('target@example.org', `guess-number-${i}`, `203.0.113.${i}`)).statusCode).toBe(401)
    expect((await login('target@example.org', STRONG_PASSWORD, '198.51.100.10')).statusCode).toBe(200)
  })

  it('makes one client wait longer after each failure past five, the right password included', async () => {
    await anActiveDoctor('slowed@example.org')
    const from = '203.0.113.77'
    for (let i = 0; i < 5; i++)
      expect((await login('slowed@example.org', `guess-${i}`, from)).statusCode).toBe(401)
    const held = await login('slowed@example.org', STRONG_PASSWORD, from)
    expect(held.statusCode).toBe(429)
    expect(held.headers['retry-after']).toBe('1')
    t.clock.advance(1000)
    expect((await login('slowed@example.org', 'guess-5', from)).statusCode).toBe(401)
    expect((await login('slowed@example.org', STRONG_PASSWORD, from)).headers['retry-after']).toBe('2')
    // The owner, elsewhere, is not held; a success from the client starts its count again.
    expect((await login('slowed@example.org', STRONG_PASSWORD, '198.51.100.11')).statusCode).toBe(200)
    t.clock.advance(2000)
    expect((await login('slowed@example.org', STRONG_PASSWORD, from)).statusCode).toBe(200)
    expect((await login('slowed@example.org', 'guess-again', from)).statusCode).toBe(401)
    expect(await countsOn('slowed@example.org')).toEqual([
      { key: 'account:slowed@example.org', failures: 1 },
      { key: `client:slowed@example.org:${from}`, failures: 1 },
    ])
    expect((await login('slowed@example.org', STRONG_PASSWORD, from)).statusCode).toBe(200)
    expect(await countsOn('slowed@example.org')).toEqual([])
  })

  it('holds a delayed client the same whether the account may sign in or not', async () => {
    await anActiveDoctor('delayed.active@example.org')
    await register(t, practice, { email: 'delayed.pending@example.org' })
    const from = '203.0.113.78'
    const held = []
    for (const email of ['delayed.active@example.org', 'delayed.pending@example.org']) {
      for (let i = 0; i < 5; i++) expect((await login(email, `guess-${i}`, from)).statusCode).toBe(401)
      held.push(await login(email, STRONG_PASSWORD, from))
    }
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined })
    expect(held.map((response) => response.statusCode)).toEqual([429, 429])
    expect(strip(held[0]!.json())).toEqual(strip(held[1]!.json()))
    expect(held[0]!.headers['retry-after']).toBe(held[1]!.headers['retry-after'])
  })

  it('counts guesses sent at once one after the other: from one client, five go through, the rest wait', async () => {
    await anActiveDoctor('rushed@example.org')
    const at = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('rushed@example.org', `rushed-guess-${i}`, '203.0.113.200')),
    )
    const statuses = at.map((response) => response.statusCode)
    expect(statuses.filter((status) => status === 401)).toHaveLength(5)
    expect(statuses.filter((status) => status === 429)).toHaveLength(35)
    const counted = await t.app.deps.db
      .selectFrom('sign_in_failures')
      .select('failures')
      .where('key', '=', 'account:rushed@example.org')
      .executeTakeFirstOrThrow()
    expect(counted.failures).toBe(5)
  })

  it('forgets the counts of clients that stopped failing a day ago, never a lock', async () => {
    await anActiveDoctor('forgotten@example.org')
    expect((await login('forgotten@example.org', 'one-old-guess', '203.0.113.90')).statusCode).toBe(401)
    await t.app.deps.db
      .insertInto('sign_in_failures')
      .values({ key: 'account:still.locked@example.org', failures: 100, last_failed_at: t.clock.now() })
      .execute()
    t.clock.advance(86_400_000 + 1000)
    await sweepFailures(t.app.deps.db, t.clock.now())
    expect(await countsOn('forgotten@example.org')).toEqual([])
    expect(await countsOn('still.locked@example.org')).toEqual([
      { key: 'account:still.locked@example.org', failures: 100 },
    ])
  })

  it('counts an attempt whose rows a success clears between their insert and their lock', async () => {
    await anActiveDoctor('raced@example.org')
    const { db } = t.app.deps
    // The success, played once by a trigger: the rows are gone by the time the attempt locks them.
    await sql`create table race_once (done boolean)`.execute(db)
    await sql`create function clear_once() returns trigger language plpgsql as $$ begin
      if not exists (select 1 from race_once) then
        insert into race_once values (true);
        delete from sign_in_failures where key like '%:raced@example.org%';
      end if;
      return null;
    end $$`.execute(db)
    await sql`create trigger clear_once after insert on sign_in_failures
      for each statement execute function clear_once()`.execute(db)
    try {
      expect((await login('raced@example.org', 'a-guess-in-the-race')).statusCode).toBe(401)
    } finally {
      await sql`drop trigger clear_once on sign_in_failures`.execute(db)
      await sql`drop function clear_once()`.execute(db)
      await sql`drop table race_once`.execute(db)
    }
    expect(await countsOn('raced@example.org')).toEqual([
      { key: 'account:raced@example.org', failures: 1 },
      { key: 'client:raced@example.org:198.51.100.10', failures: 1 },
    ])
  })

  it('locks an address after 100 failures in a row, until its owner sets a password by reset link', async () => {
    await anActiveDoctor('besieged@example.org')
    for (let client = 0; client < 20; client++)
      for (let i = 0; i < 5; i++)
        expect((await login('besieged@example.org', `guess-${i}`, `192.0.2.${client}`)).statusCode).toBe(401)
    const locked = await login('besieged@example.org', STRONG_PASSWORD, '198.51.100.12')
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('sign_in_locked')
    // An unknown address behaves the same: nothing tells them apart.
    for (let client = 0; client < 20; client++)
      for (let i = 0; i < 5; i++)
        await login('nobody.besieged@example.org', `guess-${i}`, `192.0.2.${client}`)
    expect((await login('nobody.besieged@example.org', 'anything-at-all', '198.51.100.12')).json().code).toBe(
      'sign_in_locked',
    )

    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets',
      payload: { email: 'besieged@example.org' },
    })
    await t.deliverMail()
    const link = /token=([A-Za-z0-9_-]+)/.exec(t.mail.to('besieged@example.org').at(-1)?.text ?? '')?.[1]
    const reset = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets/confirm',
      payload: {
        token: link,
        password: 'Un-nouveau-mot-de-passe-solide-7',
        passwordConfirmation: 'Un-nouveau-mot-de-passe-solide-7',
      },
    })
    expect(reset.statusCode, reset.body).toBe(204)
    expect(
      (await login('besieged@example.org', 'Un-nouveau-mot-de-passe-solide-7', '198.51.100.12')).statusCode,
    ).toBe(200)
    // 200 password checks, each a real argon2 hash: more than the default timeout on a busy machine.
  }, 120_000)

  it('refuses a wrong second-factor code, and the challenge dies after 5', async () => {
    await anActiveDoctor('second@example.org')
    const started = await login('second@example.org', STRONG_PASSWORD)
    await t.deliverMail()
    const right = t.mail.lastCode('second@example.org')
    const wrong = right === '123456' ? '654321' : '123456'
    for (let i = 0; i < 5; i++) {
      const attempt = await t.app.inject({
        method: 'POST',
        url: `/v1/auth/login/${started.json().challengeId}`,
        payload: { code: wrong },
      })
      expect(attempt.statusCode).toBe(401)
    }
    const late = await t.app.inject({
      method: 'POST',
      url: `/v1/auth/login/${started.json().challengeId}`,
      payload: { code: right },
    })
    expect(late.statusCode).toBe(401)
  })

  it('rotates refresh tokens, and a spent one presented again ends the whole session', async () => {
    await anActiveDoctor('thief@example.org')
    const session = await signIn(t, 'thief@example.org')
    const refresh = (token: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: token } })
    const next = await refresh(session.refreshToken)
    expect(next.statusCode).toBe(200)
    const nextPair = next.json()
    expect(nextPair.refreshToken).not.toBe(session.refreshToken)

    const replay = await refresh(session.refreshToken)
    expect(replay.statusCode).toBe(401)
    // The legitimate holder's newer tokens die with the family.
    expect((await refresh(nextPair.refreshToken)).statusCode).toBe(401)
    expect(
      (await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${nextPair.accessToken}` } }))
        .statusCode,
    ).toBe(401)
  })

  it('signs out at once: the access token stops working', async () => {
    await anActiveDoctor('bye@example.org')
    const session = await signIn(t, 'bye@example.org')
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: session.headers })).statusCode,
    ).toBe(204)
    expect((await t.app.inject({ url: '/v1/me', headers: session.headers })).statusCode).toBe(401)
  })

  it('lists sessions and ends another one', async () => {
    await anActiveDoctor('two.devices@example.org')
    const laptop = await signIn(t, 'two.devices@example.org')
    const phone = await signIn(t, 'two.devices@example.org')
    const sessions = (await t.app.inject({ url: '/v1/me/sessions', headers: laptop.headers })).json().items
    expect(sessions).toHaveLength(2)
    const other = sessions.find((s: { current: boolean }) => !s.current)
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: laptop.headers }))
        .statusCode,
    ).toBe(204)
    expect((await t.app.inject({ url: '/v1/me', headers: phone.headers })).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/v1/me', headers: laptop.headers })).statusCode).toBe(200)
  })

  it('publishes the keys that verify access tokens, which are ES256 with kid and the expected claims', async () => {
    await anActiveDoctor('claims@example.org')
    const session = await signIn(t, 'claims@example.org')
    const [header, payload] = session.accessToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' })
    expect(payload).toMatchObject({
      iss: 'sesame',
      aud: 'sesame-api',
      typ: 'person',
      amr: ['pwd', 'otp', 'mfa'],
    })
    // Roles and rights are read from the database, never carried.
    expect(payload).not.toHaveProperty('roles')
    expect(payload).not.toHaveProperty('rights')
    expect(payload.exp - payload.iat).toBe(600)
    for (const claim of ['sub', 'sid', 'auth_time']) expect(payload).toHaveProperty(claim)
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json()
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid)
    // A token signed with another algorithm is refused (algorithm pinned).
    const forged = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: header.kid })).toString('base64url')}.${session.accessToken.split('.')[1]}.`
    expect(
      (await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${forged}` } })).statusCode,
    ).toBe(401)
  })
})

describe('password reset', () => {
  it('sets a new password with the mailed link, once, and ends every session', async () => {
    await anActiveDoctor('forgot@example.org')
    const before = await signIn(t, 'forgot@example.org')
    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets',
      payload: { email: 'forgot@example.org' },
    })
    await t.deliverMail()
    const link = /https?:\/\/\S+token=(\S+)/.exec(t.mail.to('forgot@example.org').at(-1)?.text ?? '')
    const token = decodeURIComponent(link?.[1] ?? '')
    const newPassword = 'Un-autre-mot-de-passe-solide-77'
    const confirm = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/password-resets/confirm',
        payload: { token, password: newPassword, passwordConfirmation: newPassword },
      })
    expect((await confirm()).statusCode).toBe(204)
    expect((await confirm()).statusCode).toBe(400)
    expect((await t.app.inject({ url: '/v1/me', headers: before.headers })).statusCode).toBe(401)
    await t.deliverMail()
    expect(t.mail.to('forgot@example.org').at(-1)?.subject).toBe('Sésame : mot de passe modifié')
    expect((await login('forgot@example.org', STRONG_PASSWORD)).statusCode).toBe(401)
    expect((await login('forgot@example.org', newPassword)).statusCode).toBe(200)
  })

  it('refuses a weak new password, naming the problem', async () => {
    await anActiveDoctor('weak.reset@example.org')
    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets',
      payload: { email: 'weak.reset@example.org' },
    })
    await t.deliverMail()
    const token = decodeURIComponent(
      /token=(\S+)/.exec(t.mail.to('weak.reset@example.org').at(-1)?.text ?? '')?.[1] ?? '',
    )
    const weak = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets/confirm',
      payload: { token, password: 'password1234', passwordConfirmation: 'password1234' },
    })
    expect(weak.statusCode).toBe(400)
    expect(weak.json()).toMatchObject({
      code: 'weak_password',
      errors: [expect.objectContaining({ field: 'password' })],
    })
  })
})

describe('authenticator app', () => {
  it('is set up with a confirmed code, then asked for at sign-in instead of a mailed code', async () => {
    await anActiveDoctor('totp@example.org')
    const session = await signIn(t, 'totp@example.org')
    const started = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: session.headers })
    expect(started.statusCode).toBe(201)
    const { secret, otpauthUri } = started.json()
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/S%C3%A9same:totp%40example\.org\?secret=/)
    const epoch = Math.floor(t.clock.now().getTime() / 1000)
    const wrongConfirm = await t.app.inject({
      method: 'POST',
      url: '/v1/me/totp/confirm',
      headers: session.headers,
      payload: { code: '000000' },
    })
    expect(wrongConfirm.statusCode).toBe(422)
    const code = await generate({ secret, epoch })
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/me/totp/confirm',
          headers: session.headers,
          payload: { code },
        })
      ).statusCode,
    ).toBe(204)

    const mailsBefore = t.mail.to('totp@example.org').length
    const started2 = await login('totp@example.org', STRONG_PASSWORD)
    expect(started2.json().factors).toEqual(['totp'])
    await t.deliverMail()
    expect(t.mail.to('totp@example.org')).toHaveLength(mailsBefore)
    const challenge = started2.json().challengeId
    // A wrong code is refused (otplib's verify answers an object: its `valid` is what counts).
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/auth/login/${challenge}`,
          payload: { code: code === '111111' ? '222222' : '111111' },
        })
      ).statusCode,
    ).toBe(401)
    // The code already used to confirm cannot be replayed; the next period's code works.
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/auth/login/${challenge}`, payload: { code } }))
        .statusCode,
    ).toBe(401)
    t.clock.advance(30_000)
    const next = await generate({ secret, epoch: epoch + 30 })
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/auth/login/${challenge}`, payload: { code: next } }))
        .statusCode,
    ).toBe(200)
  })
})

describe('registration refusals', () => {
  it('refuses an RPPS on an administrative account (400)', async () => {
    const response = await register(t, practice, {
      email: 'admin.rpps@example.org',
      profile: 'administrative',
      extra: { rpps: '10000000009', rights: { results: false, invoices: false } },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toContainEqual(expect.objectContaining({ field: 'rpps' }))
  })

  it('refuses a professional without a valid RPPS, outdated terms, and a weak password', async () => {
    const badRpps = await register(t, practice, {
      email: 'bad.rpps@example.org',
      extra: { rpps: '10000000008' },
    })
    expect(badRpps.statusCode).toBe(400)
    expect(badRpps.json().errors[0]).toMatchObject({
      field: 'rpps',
      message: expect.stringMatching(/check digit/i),
    })
    const terms = await register(t, practice, {
      email: 'old.terms@example.org',
      extra: { termsVersion: '2019-01' },
    })
    expect(terms.statusCode).toBe(422)
    expect(terms.json().code).toBe('terms_outdated')
    const weak = await register(t, practice, { email: 'weak@example.org', password: 'motdepasse123' })
    expect(weak.statusCode).toBe(400)
    expect(weak.json().errors).toContainEqual(expect.objectContaining({ field: 'password' }))
  })

  it('refuses a collaborator asking for results with no registered professional to approve', async () => {
    const response = await register(t, practice, {
      email: 'alone@example.org',
      profile: 'collaborator',
      rights: { results: true, invoices: false },
      approverId: '00000000-0000-4000-8000-000000000000',
      extra: { accountTitle: 'Secrétariat' },
    })
    expect(response.statusCode).toBe(422)
    expect(response.json().code).toBe('approver_not_found')
  })

  it('refuses a wrong correspondent code for the practice', async () => {
    const response = await register(t, practice, {
      email: 'wrong.code@example.org',
      extra: { correspondentCode: 'C-NOT-THEIRS' },
    })
    expect(response.statusCode).toBe(422)
    expect(response.json().code).toBe('unknown_correspondent_code')
  })

  it('spends a proof once', async () => {
    const proof = await proveEmail(t, 'twice@example.org')
    const payload = {
      proof,
      profile: 'administrative',
      civility: 'M',
      firstName: 'A',
      lastName: 'B',
      rights: { results: false, invoices: false },
      practicePlaces: [{ structureId: practice.structureId, labCenterId: practice.centerId, primary: true }],
      correspondentCode: practice.correspondentCode,
      termsVersion: t.app.deps.config.TERMS_VERSION,
    }
    expect((await t.app.inject({ method: 'POST', url: '/v1/registrations', payload })).statusCode).toBe(201)
    const again = await t.app.inject({ method: 'POST', url: '/v1/registrations', payload })
    expect(again.statusCode).toBe(422)
    expect(again.json().code).toBe('invalid_proof')
  })
})
