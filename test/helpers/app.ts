import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { type App, buildApp } from '../../src/app.ts'
import { FixedClock } from '../../src/clock.ts'
import { testConfig } from '../../src/config.ts'
import { createLogger } from '../../src/logger.ts'
import { smtpTransport } from '../../src/notifications/transport.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'
import { type MailSink, startMailSink } from './mail.ts'

export interface TestApp {
  app: App
  database: TestDatabase
  clock: FixedClock
  mail: MailSink
  /** Every log line the app wrote, as text. */
  logs: string[]
  /** Sends every due email to the mail sink. */
  deliverMail(): ReturnType<App['outboxWorker']['drain']>
  close(): Promise<void>
}

export interface TestAppOptions {
  env?: Record<string, string>
  database?: TestDatabase
  /** Called before the app is ready: a test may add routes of its own. */
  extend?: (app: App) => void
}

/** The whole service on a fresh database, with a real SMTP sink, a fixed clock and captured logs. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase())
  const mail = await startMailSink()
  const clock = new FixedClock()
  const logs: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk))
      callback()
    },
  })
  const config = testConfig({ LOG_LEVEL: 'info', SMTP_URL: mail.url, ...options.env })
  const app = await buildApp({
    config,
    database,
    clock,
    secretKey: randomBytes(32),
    logger: createLogger(config, sink),
    mailTransport: smtpTransport(mail.url),
  })
  options.extend?.(app)
  await app.ready()
  return {
    app,
    database,
    clock,
    mail,
    logs,
    deliverMail: () => app.outboxWorker.drain(),
    async close() {
      await app.close()
      await mail.stop()
      if (!options.database) await database.drop()
    },
  }
}
