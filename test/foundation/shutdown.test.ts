import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
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

  it('serves the metrics on METRICS_PORT only, and stops the server process on SIGTERM with exit code 0', async () => {
    const database: TestDatabase = await createTestDatabase()
    cleanups.push(() => database.drop())
    const port = await freePort()
    const metricsPort = await freePort()
    const child = spawn(process.execPath, ['src/server.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        // Parallel test files load the machine: no load shedding here either (see testConfig).
        MAX_EVENT_LOOP_DELAY_MS: '0',
        LOG_LEVEL: 'info',
        OUTBOX_WORKER: 'true',
        ...(database.url
          ? { DATABASE_URL: database.url }
          : { DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/sesame-shutdown-${port}` }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const lines = createInterface({ input: child.stdout })
    const messages: string[] = []
    // Two listeners: the API, then the metrics.
    const listening = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        const message = JSON.parse(line).msg as string
        messages.push(message)
        if (messages.filter((seen) => seen.startsWith('Server listening')).length === 2) resolve()
      })
    })
    await listening
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404)
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain(
      'http_request_duration_seconds_count{method="GET",route="/health/ready"',
    )
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/ready`)).status).toBe(404)

    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    expect(messages).toContain('shutting down')
    // A real process on a fresh embedded database, beside other test files: it may take a while to start.
  }, 120_000)
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
