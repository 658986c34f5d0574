import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { trustProxyOf, trustProxyOption } from '../../src/shared/trust-proxy.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.0.2.10', ['10.0.0.0/8', '192.0.2.10']],
    ['loopback,fd00::/8', ['loopback', 'fd00::/8']],
  ])('reads %j', (text, expected) => {
    expect(trustProxyOf(text)).toEqual({ ok: true, value: expected })
  })

  it.each([
    ['true'],
    ['TRUE'],
    ['11'],
    ['-1'],
    ['yes'],
    ['10.0.0.0/33'],
    ['10.0.0.1/8/2'],
    ['fd00::/129'],
    ['10.0.0.1,,10.0.0.2'],
    ['proxy.internal'],
  ])('refuses %j', (text) => {
    expect(trustProxyOf(text).ok).toBe(false)
  })

  it.each([
    // [TRUST_PROXY, accepted]: ranges at most an IPv4 /8 or an IPv6 /32, any width inside fc00::/7.
    ['0.0.0.0/0', false],
    ['::/0', false],
    ['10.0.0.0/7', false],
    ['128.0.0.0/1', false],
    ['10.0.0.0/8', true],
    ['192.0.2.0/24', true],
    ['2001:db8::/31', false],
    ['2000::/3', false],
    ['2001:db8::/32', true],
    ['2001:db8:1::/48', true],
    ['fc00::/7', true],
    ['fd12:3456::/16', true],
    ['fe80::/8', false],
    // IPv4-mapped ranges are measured on the IPv4 addresses they cover.
    ['::/32', false],
    ['::ffff:0:0/96', false],
    ['::ffff:10.0.0.0/103', false],
    ['::ffff:10.0.0.0/104', true],
    ['10.0.0.1, 0.0.0.0/0', false],
    ['loopback,linklocal,uniquelocal', true],
  ])('with %j as proxies, accepts it: %s', (text, accepted) => {
    const parsed = trustProxyOf(text)
    expect(parsed.ok).toBe(accepted)
    if (!parsed.ok) expect(parsed.problem).toMatch(/^must not trust .*: a range that wide holds clients/)
  })

  it('refuses a too-wide range at start-up with a clear config error', () => {
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1,::/0' })).toThrow(
      /TRUST_PROXY must not trust ::\/0: a range that wide holds clients, not only proxies/,
    )
  })

  it('gives Fastify a hop count as a function (a bare number means "trust nothing" to Fastify)', () => {
    const twoHops = trustProxyOption(2)
    expect(typeof twoHops).toBe('function')
    const trusts = twoHops as (address: string, hop: number) => boolean
    expect([0, 1, 2, 3].map((hop) => trusts('10.0.0.1', hop))).toEqual([true, true, false, false])
    expect(trustProxyOption(['10.0.0.0/8'])).toEqual(['10.0.0.0/8'])
    expect(trustProxyOption(false)).toBe(false)
  })

  it('refuses true at start-up, saying why', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(
      /TRUST_PROXY must not be true: that trusts the left-most X-Forwarded-For address, which the client writes/,
    )
    expect(loadConfig({}).TRUST_PROXY).toBe(false)
  })
})

describe('the client address behind one trusted proxy', () => {
  let database: TestDatabase
  let behindOne: TestApp
  let behindListed: TestApp
  let direct: TestApp
  const whoami = (app: TestApp['app']) => app.get('/test/whoami', async (request) => ({ ip: request.ip }))

  beforeAll(async () => {
    database = await createTestDatabase()
    const env = { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' }
    behindOne = await createTestApp({ database, env: { ...env, TRUST_PROXY: '1' }, extend: whoami })
    behindListed = await createTestApp({
      database,
      env: { ...env, TRUST_PROXY: '10.0.0.0/24' },
      extend: whoami,
    })
    direct = await createTestApp({ database, env, extend: whoami })
  })
  afterAll(async () => {
    await behindOne.close()
    await behindListed.close()
    await direct.close()
    await database.drop()
  })

  const from = (t: TestApp, forwardedFor: string, url = '/test/whoami') =>
    t.app.inject({ url, remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': forwardedFor } })

  it('is the address the proxy appended, whatever the client wrote to the left of it', async () => {
    expect((await from(behindOne, '203.0.113.5')).json()).toEqual({ ip: '203.0.113.5' })
    expect((await from(behindOne, '198.51.100.1, 203.0.113.5')).json()).toEqual({ ip: '203.0.113.5' })
    expect((await from(behindListed, '198.51.100.1, 203.0.113.6, 10.0.0.9')).json()).toEqual({
      ip: '203.0.113.6',
    })
    // Without TRUST_PROXY the header is not read at all.
    expect((await from(direct, '203.0.113.5')).json()).toEqual({ ip: '10.0.0.2' })
  })

  it('keeps the rate limit on the real client, however the forged part changes', async () => {
    const statuses: number[] = []
    for (const forged of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      statuses.push((await from(behindOne, `${forged}, 203.0.113.60`)).statusCode)
    }
    expect(statuses).toEqual([200, 200, 429, 429])
    // Another real client behind the same proxy is counted apart.
    expect((await from(behindOne, '192.0.2.1, 203.0.113.61')).statusCode).toBe(200)
  })

  it('keys the attempt throttles on the real client too', async () => {
    const response = await behindOne.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      remoteAddress: '10.0.0.2',
      headers: { 'x-forwarded-for': '192.0.2.99, 203.0.113.70' },
      payload: { email: 'someone@example.org', purpose: 'registration' },
    })
    expect(response.statusCode).toBe(202)
    const keys = await database.db
      .selectFrom('rate_limit_counters')
      .select('key')
      .where('key', 'like', 'throttle:proof:ip:%')
      .execute()
    expect(keys.map((row) => row.key)).toEqual(['throttle:proof:ip:203.0.113.70'])
  })
})
