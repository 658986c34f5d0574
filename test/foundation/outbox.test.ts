import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../src/logger.ts'
import { foundationTemplates } from '../../src/notifications/templates.ts'
import { type MailMessage, type MailTransport, smtpTransport } from '../../src/notifications/transport.ts'
import { createOutboxWorker, LEASE_MS } from '../../src/notifications/worker.ts'
import { SecretBox } from '../../src/shared/secret-box.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { startMailSink } from '../helpers/mail.ts'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ env: { OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_BACKOFF_BASE_MS: '1000' } })
})
afterAll(() => t.close())

const status = async (id: number) =>
  t.app.deps.db
    .selectFrom('outbox')
    .select(['status', 'attempts', 'sealed', 'last_error'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

describe('the mail outbox', () => {
  it('never sends a message whose transaction rolled back', async () => {
    await expect(
      t.app.deps.db.transaction().execute(async (trx) => {
        await t.app.deps.outbox.enqueue(trx, { to: 'ghost@example.org', template: 'ops.test' })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    await t.deliverMail()
    expect(t.mail.to('ghost@example.org')).toHaveLength(0)
    const rows = await t.app.deps.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', 'ghost@example.org')
      .execute()
    expect(rows).toHaveLength(0)
  })

  it('delivers a committed message over SMTP, in French by default, and English on request', async () => {
    await t.app.deps.db.transaction().execute(async (trx) => {
      await t.app.deps.outbox.enqueue(trx, {
        to: 'claire@example.org',
        template: 'ops.test',
        data: { note: 'Bonne journée' },
      })
      await t.app.deps.outbox.enqueue(trx, { to: 'john@example.org', template: 'ops.test', locale: 'en' })
    })
    expect(await t.deliverMail()).toEqual({ sent: 2, retried: 0, dead: 0 })
    const [french] = t.mail.to('claire@example.org')
    expect(french?.subject).toBe('Sésame : message de test')
    expect(french?.text).toContain('Bonne journée')
    expect(french?.from?.text).toContain('no-reply@sesame.localhost')
    expect(t.mail.to('john@example.org')[0]?.subject).toBe('Sésame: test message')
  })

  it('keeps secrets sealed in the row and erases them once sent', async () => {
    const id = await t.app.deps.outbox.enqueue(t.app.deps.db, {
      to: 'secret@example.org',
      template: 'ops.test',
      data: { note: 'see below' },
      secrets: { code: '482913' },
    })
    const row = await status(id)
    expect(row.sealed).not.toBeNull()
    expect(Buffer.from(row.sealed!).toString('latin1')).not.toContain('482913')
    const stored = await sql<{
      text: string
    }>`select row_to_json(outbox)::text as text from outbox where id = ${id}`.execute(t.app.deps.db)
    expect(stored.rows[0]?.text).not.toContain('482913')
    await t.deliverMail()
    expect((await status(id)).sealed).toBeNull()
  })

  it('retries while the SMTP server is down and delivers exactly once when it is back', async () => {
    const port = t.mail.port
    await t.mail.stop()
    const id = await t.app.deps.outbox.enqueue(t.app.deps.db, {
      to: 'patient.retry@example.org',
      template: 'ops.test',
    })

    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 1, dead: 0 })
    expect(await status(id)).toMatchObject({ status: 'pending', attempts: 1 })
    expect((await status(id)).last_error).toBeTruthy()
    // Not due again until the backoff has passed.
    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 0, dead: 0 })

    const back = await startMailSink(port)
    t.clock.advance(2_000)
    expect(await t.deliverMail()).toEqual({ sent: 1, retried: 0, dead: 0 })
    t.clock.advance(3_600_000)
    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 0, dead: 0 })
    expect(back.to('patient.retry@example.org')).toHaveLength(1)
    expect(await status(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
    Object.assign(t, { mail: back })
  })

  it('leases a claimed message for seconds: mail of a worker that died mid-send is due again soon', async () => {
    const stuck = aStuckRelay()
    const crashed = aWorker(stuck.transport)
    const id = await t.app.deps.outbox.enqueue(t.app.deps.db, {
      to: 'crash.lease@example.org',
      template: 'ops.test',
    })
    const batch = crashed.runOnce()
    await stuck.sending
    const row = await t.app.deps.db
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.next_attempt_at.getTime() - t.clock.now().getTime()).toBe(LEASE_MS)
    expect(LEASE_MS).toBeLessThanOrEqual(15_000)

    // Not before the lease ends; at its end another worker sends it.
    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 0, dead: 0 })
    t.clock.advance(LEASE_MS)
    expect(await t.deliverMail()).toEqual({ sent: 1, retried: 0, dead: 0 })
    // The first worker's send fails late: the row stays sent, and is not sent again.
    stuck.fail()
    await batch
    expect(await status(id)).toMatchObject({ status: 'sent' })
    t.clock.advance(3_600_000)
    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 0, dead: 0 })
    expect(t.mail.to('crash.lease@example.org')).toHaveLength(1)
  })

  it('keeps renewing the lease while a live worker is slow to send, so that nobody sends it twice', async () => {
    const slow = aStuckRelay()
    const worker = aWorker(slow.transport, 20)
    const id = await t.app.deps.outbox.enqueue(t.app.deps.db, {
      to: 'slow.lease@example.org',
      template: 'ops.test',
    })
    const batch = worker.runOnce()
    await slow.sending
    const leasedUntil = async () =>
      (
        await t.app.deps.db
          .selectFrom('outbox')
          .select('next_attempt_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).next_attempt_at
    t.clock.advance(LEASE_MS * 2)
    await vi.waitFor(async () =>
      expect(await leasedUntil()).toEqual(new Date(t.clock.now().getTime() + LEASE_MS)),
    )
    expect(await t.deliverMail()).toEqual({ sent: 0, retried: 0, dead: 0 })
    slow.deliver()
    expect(await batch).toEqual({ sent: 1, retried: 0, dead: 0 })
    expect(await status(id)).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('sends over one pooled SMTP connection rather than one connection a message', async () => {
    const relay = await startMailSink()
    const transport = smtpTransport(relay.url)
    for (let index = 0; index < 5; index++) {
      await transport.send({
        from: 'a@example.org',
        to: `pooled.${index}@example.org`,
        subject: 's',
        text: 't',
      })
    }
    transport.close()
    await relay.stop()
    expect(relay.messages).toHaveLength(5)
    expect(relay.connections).toBe(1)
  })

  it('gives up after the last attempt, and counts the dead message in the metrics', async () => {
    await t.mail.stop()
    const id = await t.app.deps.outbox.enqueue(t.app.deps.db, {
      to: 'never@example.org',
      template: 'ops.test',
    })
    for (let attempt = 1; attempt <= 3; attempt++) {
      await t.deliverMail()
      t.clock.advance(3_600_000)
    }
    expect(await status(id)).toMatchObject({ status: 'dead', attempts: 3 })
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/^outbox_dead_messages 1$/m)
    expect(metrics.body).toMatch(/^outbox_pending_messages 0$/m)
    Object.assign(t, { mail: await startMailSink() })
  })
})

/** A relay that holds the message being sent until the test says how it ends. */
function aStuckRelay() {
  let started!: () => void
  const sending = new Promise<void>((resolve) => {
    started = resolve
  })
  let settle!: (error?: Error) => void
  const transport: MailTransport = {
    kind: 'smtp',
    send: (_message: MailMessage) =>
      new Promise<void>((resolve, reject) => {
        settle = (error) => (error ? reject(error) : resolve())
        started()
      }),
    close: () => {},
  }
  return { transport, sending, deliver: () => settle(), fail: () => settle(new Error('connection lost')) }
}

/** A second worker on the same outbox, as another instance runs one. */
const aWorker = (transport: MailTransport, renewEveryMs?: number) =>
  createOutboxWorker(t.app.deps.config, {
    db: t.app.deps.db,
    transport,
    templates: foundationTemplates,
    box: new SecretBox(Buffer.alloc(32)),
    clock: t.clock,
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    ...(renewEveryMs ? { renewEveryMs } : {}),
  })
