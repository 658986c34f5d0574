import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { FixedClock } from '../../src/clock.ts'
import { testConfig } from '../../src/config.ts'
import { createLogger } from '../../src/logger.ts'
import { createOutbox } from '../../src/notifications/outbox.ts'
import { foundationTemplates } from '../../src/notifications/templates.ts'
import { smtpTransport } from '../../src/notifications/transport.ts'
import { createOutboxWorker } from '../../src/notifications/worker.ts'
import { SecretBox } from '../../src/shared/secret-box.ts'
import { createTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { startMailSink } from '../helpers/mail.ts'
import { freePort, type Service, startService, stopService } from '../helpers/service.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function aDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase()
  cleanups.push(() => database.drop())
  return database
}

async function aService(database: TestDatabase, env: Record<string, string> = {}): Promise<Service> {
  const service = await startService({
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    SHUTDOWN_DRAIN_MS: '1500',
    ...env,
  })
  cleanups.push(() => stopService(service))
  return service
}

/** Sends raw HTTP/1.1 requests on a new connection; resolves with all it got back, or the socket error. */
function exchange(port: number, requests: string[]) {
  const socket = connect(port, '127.0.0.1')
  socket.write(requests.join(''))
  return new Promise<{ text: string; error?: string }>((resolve) => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ text: '', error: error.code }))
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8') }))
  })
}
const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: sesame\r\n\r\n`
const statuses = (text: string) =>
  [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]))

describe('the metrics port', () => {
  it('serves the metrics on METRICS_PORT only, and stops both listeners on SIGTERM with exit code 0', async () => {
    const metricsPort = await freePort()
    const service = await aService(await aDatabase(), { METRICS_PORT: String(metricsPort) })
    await service.waitFor((line) =>
      line.msg.startsWith(`Server listening at http://127.0.0.1:${metricsPort}`),
    )
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200)
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404)
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain(
      'http_request_duration_seconds_count{method="GET",route="/health/ready"',
    )
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/ready`)).status).toBe(404)
    service.child.kill('SIGTERM')
    expect(await service.exited).toBe(0)
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow()
  })
})

describe('graceful shutdown', () => {
  it('lets a request in flight finish before the app closes', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let arrived!: () => void
    const inHandler = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const t = await createTestApp({
      extend: (app) =>
        app.get('/test/slow', async () => {
          arrived()
          await released
          return { finished: true }
        }),
    })
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' })

    const inFlight = fetch(`${address}/test/slow`)
    await inHandler
    const closing = t.close()
    release()
    const response = await inFlight
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ finished: true })
    await closing
    await expect(fetch(`${address}/health/live`)).rejects.toThrow()
  })

  it('on SIGTERM, turns unready, answers every request whose bytes arrived, then exits 0', async () => {
    const service = await aService(await aDatabase())
    // Connections opened and kept alive before the signal, idle when it comes.
    const idle = connect(service.port, '127.0.0.1')
    await new Promise((resolve) => idle.once('connect', resolve))

    // Requests sent at the moment of the signal, read or not yet read by the server.
    const atSignal = Array.from({ length: 20 }, () => exchange(service.port, [GET('/v1/labs')]))
    service.child.kill('SIGTERM')
    await service.waitFor((line) => line.msg === 'shutting down')

    // During the drain: unready, but still serving, each answer closing its connection.
    const ready = await exchange(service.port, [GET('/health/ready')])
    expect(statuses(ready.text)).toEqual([503])
    expect(ready.text).toContain('"reason":"shutting down"')
    const idleAnswer = new Promise<string>((resolve) => {
      const chunks: Buffer[] = []
      idle.on('data', (chunk) => chunks.push(chunk))
      idle.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
    idle.write(GET('/health/live'))
    expect(statuses(await idleAnswer)).toEqual([200])

    const answers = await Promise.all(atSignal)
    expect(answers.map((answer) => answer.error)).toEqual(answers.map(() => undefined))
    expect(answers.map((answer) => statuses(answer.text))).toEqual(answers.map(() => [200]))
    for (const answer of answers) expect(answer.text.toLowerCase()).toContain('connection: close')

    expect(await service.exited).toBe(0)
    expect(service.lines.map((line) => line.msg)).toContain('shut down')
  }, 120_000)

  it('with a mail backlog, sends only the message in flight, releases the rest and exits 0 in time', async () => {
    const database = await aDatabase()
    const BACKLOG = 300
    const outbox = createOutbox({
      box: new SecretBox(randomBytes(32)),
      clock: new FixedClock(),
      defaultLocale: 'fr',
    })
    await database.db
      .insertInto('outbox')
      .values(
        Array.from({ length: BACKLOG }, (_, index) => ({
          ...outbox.row({ to: `backlog.${index}@example.org`, template: 'ops.test' }),
          next_attempt_at: new Date(Date.now() - 1000),
        })),
      )
      .execute()
    // A relay that takes its time over each message.
    const slowRelay = await startMailSink(0, { delayMs: 20 })
    cleanups.push(() => slowRelay.stop())
    const service = await aService(database, {
      SMTP_URL: slowRelay.url,
      OUTBOX_WORKER: 'true',
      OUTBOX_BATCH_SIZE: '100',
      SHUTDOWN_DRAIN_MS: '200',
      SHUTDOWN_GRACE_MS: '5000',
    })
    await service.waitFor((line) => line.msg === 'email sent')

    const signalled = Date.now()
    service.child.kill('SIGTERM')
    expect(await service.exited).toBe(0)
    expect(Date.now() - signalled).toBeLessThan(5000)
    const released = await service.waitFor(
      (line) => line.msg === 'outbox messages released for another worker',
    )
    expect(released.released).toBeGreaterThan(0)

    // Nothing sent twice, nothing left leased: what was not sent is due now, for another instance.
    const { rows } = await sql<{ sent: number; leased: number; pending: number }>`
      select count(*) filter (where status = 'sent')::int as sent,
             count(*) filter (where status = 'pending' and next_attempt_at > now())::int as leased,
             count(*) filter (where status = 'pending')::int as pending
      from outbox`.execute(database.db)
    expect(rows[0]).toMatchObject({ sent: slowRelay.messages.length, leased: 0 })
    expect(rows[0]?.pending).toBe(BACKLOG - slowRelay.messages.length)

    // Another worker sends the rest at once: every address gets its message exactly once.
    const relay = await startMailSink()
    cleanups.push(() => relay.stop())
    const config = testConfig({ OUTBOX_BATCH_SIZE: '100' })
    const transport = smtpTransport(relay.url)
    const other = createOutboxWorker(config, {
      db: database.db,
      transport,
      templates: foundationTemplates,
      box: new SecretBox(randomBytes(32)),
      clock: new FixedClock(new Date(Date.now() + 1000)),
      logger: createLogger(config),
    })
    await other.drain()
    transport.close()
    const recipients = [...slowRelay.messages, ...relay.messages].map((message) => message.to)
    expect(recipients).toHaveLength(BACKLOG)
    expect(new Set(recipients.map((to) => JSON.stringify(to))).size).toBe(BACKLOG)
  }, 120_000)
})
