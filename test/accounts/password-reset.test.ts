import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createTestDatabase } from '../helpers/database.ts'
import { aPractice, register, STRONG_PASSWORD, signIn, validateAccount } from '../helpers/people.ts'

/**
 * Records the kind of every statement the service sends, in order, but the request rate limiter's
 * counts, which it writes in the background on its own schedule (their keys start with `rate:`).
 */
class StatementRecorder implements KyselyPlugin {
  kinds: string[] = []
  transformQuery(args: PluginTransformQueryArgs) {
    if (!JSON.stringify(args.node).includes('"rate:')) this.kinds.push(args.node.kind)
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result
  }
}

const recorder = new StatementRecorder()
let t: TestApp
beforeAll(async () => {
  const database = await createTestDatabase()
  t = await createTestApp({ database: { ...database, db: database.db.withPlugin(recorder) } })
  const practice = await aPractice(t)
  for (const email of ['oubli@example.org', 'oubli.deux@example.org']) {
    const registered = await register(t, practice, { email })
    await validateAccount(t, registered.json().id)
  }
})
afterAll(async () => {
  await t.close()
  await t.database.drop()
})

const ask = (email: string, ip = '198.51.100.20') =>
  t.app.inject({ method: 'POST', url: '/v1/auth/password-resets', payload: { email }, remoteAddress: ip })
const lastLink = async (email: string) => {
  await t.deliverMail()
  return /token=([A-Za-z0-9_-]+)/.exec(t.mail.to(email).at(-1)?.text ?? '')?.[1] ?? ''
}
const confirm = (token: string, password = 'Un-mot-de-passe-tout-neuf-31') =>
  t.app.inject({
    method: 'POST',
    url: '/v1/auth/password-resets/confirm',
    payload: { token, password, passwordConfirmation: password },
  })

describe('asking for a reset link', () => {
  it('costs the same statements whether or not the address has an account', async () => {
    const statementsOf = async (email: string, ip: string) => {
      recorder.kinds = []
      const answer = await ask(email, ip)
      expect(answer.statusCode).toBe(202)
      return recorder.kinds
    }
    const known = await statementsOf('oubli@example.org', '198.51.100.21')
    const unknown = await statementsOf('personne.ici@example.org', '198.51.100.22')
    expect(known).toEqual(unknown)
    expect(known.length).toBeLessThanOrEqual(3)
  })

  it('answers 202 and the same body, known or not', async () => {
    const known = await ask('oubli.deux@example.org', '198.51.100.23')
    const unknown = await ask('personne.la@example.org', '198.51.100.23')
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202])
    expect(known.body).toBe(unknown.body)
  })
})

describe('reset links', () => {
  it('each new request spends the links sent before', async () => {
    await ask('oubli.deux@example.org')
    const first = await lastLink('oubli.deux@example.org')
    t.clock.advance(60_000)
    await ask('oubli.deux@example.org')
    const second = await lastLink('oubli.deux@example.org')
    expect(second).not.toBe(first)
    expect((await confirm(first)).statusCode).toBe(400)
    expect((await confirm(second)).statusCode).toBe(204)
    expect((await confirm(second)).statusCode).toBe(400)
  })

  it('setting a password some other way spends every link still out', async () => {
    t.clock.advance(60 * 60_000)
    await ask('oubli@example.org')
    const link = await lastLink('oubli@example.org')
    const session = await signIn(t, 'oubli@example.org', STRONG_PASSWORD)
    const next = 'Encore-un-mot-de-passe-neuf-58'
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: session.headers,
      payload: { password: next, passwordConfirmation: next },
    })
    expect(changed.statusCode, changed.body).toBe(204)
    const refused = await confirm(link)
    expect(refused.statusCode).toBe(400)
    expect(refused.json().code).toBe('invalid_token')
  })
})
