import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase, onPostgres, postgresAddress } from '../helpers/database.ts'
import { type Service, startService, stopService } from '../helpers/service.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** A database of its own, reached through a proxy that the test cuts and restores. */
async function aDatabaseBehindAProxy(): Promise<{ proxy: TcpProxy; url: string }> {
  const database = await createTestDatabase()
  const proxy = await startTcpProxy(postgresAddress())
  cleanups.push(
    () => database.drop(),
    () => proxy.close(),
  )
  const url = Object.assign(new URL(database.url!), { host: `127.0.0.1:${proxy.port}` }).toString()
  return { proxy, url }
}

async function aService(env: Record<string, string>, listening = true): Promise<Service> {
  const service = await startService(env, { listening })
  cleanups.push(() => stopService(service))
  return service
}

describe.runIf(onPostgres())('the database out of reach', () => {
  it('answers 503 problems with Retry-After while the database is down, counts them, and recovers', async () => {
    const { proxy, url } = await aDatabaseBehindAProxy()
    const service = await aService({ DATABASE_URL: url })
    const get = (path: string) => fetch(`${service.url}${path}`)
    expect((await get('/v1/labs')).status).toBe(200)

    await proxy.cut()
    const down = await get('/v1/labs')
    expect(down.status).toBe(503)
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(down.headers.get('retry-after')).toBe('5')
    expect(await down.json()).toMatchObject({
      code: 'database_unavailable',
      requestId: down.headers.get('x-request-id'),
    })
    const write = await fetch(`${service.url}/v1/email-proofs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'outage@example.org', purpose: 'registration' }),
    })
    expect(write.status).toBe(503)
    expect((await get('/health/ready')).status).toBe(503)
    expect((await get('/health/live')).status).toBe(200)
    const metrics = await (await get('/metrics')).text()
    expect(metrics).toMatch(/^database_unavailable_requests_total [2-9]\d*$/m)

    await proxy.restore()
    expect((await get('/v1/labs')).status).toBe(200)
    expect((await get('/health/ready')).status).toBe(200)
    expect(service.stderr.join('')).toBe('')
  }, 120_000)

  it('waits at start-up for a database that is not there yet, saying where it looks', async () => {
    const { proxy, url } = await aDatabaseBehindAProxy()
    await proxy.cut()
    const service = await aService({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '60000' }, false)
    const waiting = await service.waitFor((line) => line.msg.startsWith('database not reachable yet'))
    expect(waiting).toMatchObject({
      level: 40,
      host: '127.0.0.1',
      port: proxy.port,
      error: { code: 'ECONNREFUSED' },
    })

    await proxy.restore()
    await service.waitFor((line) => line.msg.startsWith('Server listening'))
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200)
  }, 120_000)

  it('gives up after DATABASE_CONNECT_TIMEOUT_MS with one structured line, and no stack trace', async () => {
    const { proxy, url } = await aDatabaseBehindAProxy()
    await proxy.cut()
    const service = await aService({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '1000' }, false)
    expect(await service.exited).toBe(1)
    const fatal = service.lines.at(-1)
    expect(fatal).toMatchObject({
      level: 60,
      host: '127.0.0.1',
      port: proxy.port,
      error: { code: 'ECONNREFUSED' },
    })
    expect(fatal?.msg).toMatch(/check that PostgreSQL runs at this host and port/)
    expect(fatal?.error).not.toHaveProperty('stack')
    expect(service.lines.filter((line) => line.level === -1)).toEqual([])
    expect(service.stderr.join('')).toBe('')
    expect(service.lines.map((line) => line.msg)).not.toContain('database opened')
  }, 120_000)
})
