import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { NEEDS_REDIS, skipTestsWhen } from '../helpers/skip.ts'

let database: TestDatabase
let first: TestApp
let second: TestApp

beforeAll(async () => {
  database = await createTestDatabase()
  const env = { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' }
  first = await createTestApp({
    database,
    env,
    extend: (app) => app.get('/test/limited', async () => ({ ok: true })),
  })
  second = await createTestApp({
    database,
    env,
    extend: (app) => app.get('/test/limited', async () => ({ ok: true })),
  })
})
afterAll(async () => {
  await first.close()
  await second.close()
  await database.drop()
})

describe('rate limiting', () => {
  it('is shared by every instance and answers 429 problems with Retry-After', async () => {
    const from = (t: TestApp, ip: string) => t.app.inject({ url: '/test/limited', remoteAddress: ip })
    expect((await from(first, '203.0.113.7')).statusCode).toBe(200)
    expect((await from(second, '203.0.113.7')).statusCode).toBe(200)
    const third = await from(first, '203.0.113.7')
    expect(third.statusCode).toBe(200)
    expect(third.headers['x-ratelimit-remaining']).toBe('0')

    const refused = await from(second, '203.0.113.7')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' })

    // Another client is counted apart.
    expect((await from(second, '198.51.100.1')).statusCode).toBe(200)
  })

  it('counts an IPv6 client by its /64, so rotating through it does not reset the count', async () => {
    const from = (ip: string) => first.app.inject({ url: '/test/limited', remoteAddress: ip })
    const statuses = []
    for (const ip of ['2001:db8:7:8::1', '2001:db8:7:8::2', '2001:db8:7:8:aaaa::3', '2001:db8:7:8:ffff::4']) {
      statuses.push((await from(ip)).statusCode)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
    // The next /64 is another client.
    expect((await from('2001:db8:7:9::1')).statusCode).toBe(200)

    // The attempt throttles key it the same way.
    const proof = await second.app.inject({
      method: 'POST',
      url: '/v1/email-proofs',
      remoteAddress: '2001:db8:7:a::5',
      payload: { email: 'someone@example.org', purpose: 'registration' },
    })
    expect(proof.statusCode).toBe(202)
    const keys = await database.db
      .selectFrom('rate_limit_counters')
      .select('key')
      .where('key', 'like', 'throttle:proof:ip:%')
      .execute()
    expect(keys.map((row) => row.key)).toEqual(['throttle:proof:ip:2001:db8:7:a::/64'])
  })

  it('starts a new window once the old one has passed', async () => {
    const ip = '192.0.2.44'
    for (let i = 0; i < 3; i++) await first.app.inject({ url: '/test/limited', remoteAddress: ip })
    expect((await first.app.inject({ url: '/test/limited', remoteAddress: ip })).statusCode).toBe(429)
    first.clock.advance(61_000)
    expect((await first.app.inject({ url: '/test/limited', remoteAddress: ip })).statusCode).toBe(200)
  })

  it('counts concurrent requests on several instances exactly, each at its own place in the window', async () => {
    const ip = '198.51.100.77'
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        (index % 2 === 0 ? first : second).app.inject({ url: '/test/limited', remoteAddress: ip }),
      ),
    )
    const served = responses.filter((response) => response.statusCode === 200)
    expect(served).toHaveLength(3)
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(5)
    expect(served.map((response) => response.headers['x-ratelimit-remaining']).sort()).toEqual([
      '0',
      '1',
      '2',
    ])
  })

  it('never limits the platform probes, nor counts them against the prober', async () => {
    const prober = '203.0.113.9'
    for (let i = 0; i < 6; i++) {
      for (const url of ['/health/live', '/health/ready', '/metrics']) {
        const probe = await first.app.inject({ url, remoteAddress: prober })
        expect(probe.statusCode).toBe(200)
        expect(probe.headers['x-ratelimit-limit']).toBeUndefined()
      }
    }
    // The same address still has its whole allowance for the API.
    const api = await first.app.inject({ url: '/test/limited', remoteAddress: prober })
    expect(api.statusCode).toBe(200)
    expect(api.headers['x-ratelimit-remaining']).toBe('2')
  })
})

describe('rate limiting far from the limit', () => {
  it('answers from memory, yet enforces the limit across instances exactly, and writes every hit', async () => {
    // A limit of 40: the first 10 hits an instance sees are answered from memory.
    const env = { RATE_LIMIT_MAX: '40', RATE_LIMIT_WINDOW_MS: '60000' }
    const route = (app: TestApp['app']) => app.get('/test/busy', async () => ({ ok: true }))
    const a = await createTestApp({ database, env, extend: route })
    const b = await createTestApp({ database, env, extend: route })
    const counted = async (ip: string) =>
      (
        await a.app.deps.db
          .selectFrom('rate_limit_counters')
          .select('count')
          .where('key', '=', `rate:${ip}`)
          .executeTakeFirst()
      )?.count ?? 0
    try {
      const ip = '203.0.113.80'
      const statuses: number[] = []
      for (let i = 0; i < 60; i++) {
        const response = await (i % 2 === 0 ? a : b).app.inject({ url: '/test/busy', remoteAddress: ip })
        statuses.push(response.statusCode)
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(40)
      expect(statuses.slice(40).every((status) => status === 429)).toBe(true)

      // Hits answered from memory reach PostgreSQL on their own, shortly.
      const quiet = '203.0.113.81'
      for (let i = 0; i < 5; i++) await a.app.inject({ url: '/test/busy', remoteAddress: quiet })
      await vi.waitFor(async () => expect(await counted(quiet)).toBe(5), { timeout: 5_000, interval: 50 })
    } finally {
      await a.close()
      await b.close()
    }
  })
})

describe('rate limiting with REDIS_URL', () => {
  skipTestsWhen(!process.env.TEST_REDIS_URL && NEEDS_REDIS)
  it('shares the counters of several instances through Redis', async () => {
    const env = {
      RATE_LIMIT_MAX: '2',
      RATE_LIMIT_WINDOW_MS: '60000',
      REDIS_URL: process.env.TEST_REDIS_URL as string,
    }
    const route = (app: TestApp['app']) => app.get('/test/redis-limited', async () => ({ ok: true }))
    const a = await createTestApp({ database, env, extend: route })
    const b = await createTestApp({ database, env, extend: route })
    try {
      const ip = `192.0.2.${Math.floor(Math.random() * 200) + 1}`
      const hit = (t: TestApp) => t.app.inject({ url: '/test/redis-limited', remoteAddress: ip })
      expect((await hit(a)).statusCode).toBe(200)
      expect((await hit(b)).statusCode).toBe(200)
      const refused = await hit(a)
      expect(refused.statusCode).toBe(429)
      expect(refused.json().code).toBe('rate_limited')
      // Nothing was counted in PostgreSQL.
      const rows = await database.db
        .selectFrom('rate_limit_counters')
        .select('key')
        .where('key', 'like', '%redis-limited%')
        .execute()
      expect(rows).toEqual([])
    } finally {
      await a.close()
      await b.close()
    }
  })
})
