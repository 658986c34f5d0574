import { afterAll, describe, expect, it } from 'vitest'
import { migrationNames } from '../../src/db/migrate.ts'
import { createTestApp } from '../helpers/app.ts'
import { createTestDatabase, onPostgres, postgresAddress } from '../helpers/database.ts'
import { NEEDS_POSTGRES, skipTestsWhen } from '../helpers/skip.ts'
import { startTcpProxy } from '../helpers/tcp-proxy.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe('health and readiness', () => {
  it('is live and ready on a migrated database', async () => {
    const t = await createTestApp()
    cleanups.push(() => t.close())
    expect((await t.app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' })
    const ready = await t.app.inject({ url: '/health/ready' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ok' })
  })

  it('is not ready while migrations are pending', async () => {
    const database = await createTestDatabase({ migrated: false })
    const t = await createTestApp({ database })
    cleanups.push(
      () => database.drop(),
      () => t.close(),
    )
    const ready = await t.app.inject({ url: '/health/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({
      status: 'unavailable',
      reason: `migrations pending: ${(await migrationNames()).join(', ')}`,
    })
  })
})

describe('health and readiness on PostgreSQL', () => {
  skipTestsWhen(!onPostgres() && NEEDS_POSTGRES)

  it('turns 503 when the database is cut off, and 200 again when it is back', async () => {
    const proxy = await startTcpProxy(postgresAddress())
    const database = await createTestDatabase({
      via: (url) => Object.assign(new URL(url), { host: `127.0.0.1:${proxy.port}` }).toString(),
    })
    const t = await createTestApp({ database })
    cleanups.push(
      () => proxy.close(),
      () => database.drop(),
      () => t.close(),
    )

    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200)
    await proxy.cut()
    const down = await t.app.inject({ url: '/health/ready' })
    expect(down.statusCode).toBe(503)
    expect(down.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' })
    expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(200)

    await proxy.restore()
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200)
  })
})
