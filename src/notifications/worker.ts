import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { DB, OutboxTable } from '../db/schema.ts'
import type { SecretBox } from '../shared/secret-box.ts'
import { retryDelay } from './backoff.ts'
import type { TemplateCatalog } from './templates.ts'
import type { MailTransport } from './transport.ts'

export interface OutboxWorkerDeps {
  db: Kysely<DB>
  transport: MailTransport
  templates: TemplateCatalog
  box: SecretBox
  clock: Clock
  logger: Logger
  from: string
  batchSize: number
  maxAttempts: number
  backoffBaseMs: number
  backoffMaxMs: number
  pollIntervalMs: number
  random?: () => number
  /** How often the lease of the rows in hand is renewed (5 s). */
  renewEveryMs?: number
}

export interface BatchResult {
  sent: number
  retried: number
  dead: number
}

type ClaimedRow = Pick<OutboxTable, 'template' | 'locale' | 'recipient' | 'sealed' | 'last_error'> & {
  id: number
  attempts: number
  payload: Record<string, unknown>
}

/**
 * A claimed row is leased: others leave it alone until the lease ends. The worker renews the lease of
 * the rows it holds while it sends them, so a live worker never loses a row to another however slow
 * the relay, and a crashed worker's rows are due again within the lease: seconds, not minutes.
 */
export const LEASE_MS = 15_000
const RENEW_EVERY_MS = 5_000

/**
 * Sends the outbox. Any number of workers (one per instance, or `npm run worker`) share the table: each
 * claims due rows with `FOR UPDATE SKIP LOCKED`, so no row is sent twice at once.
 */
export class OutboxWorker {
  readonly #deps: OutboxWorkerDeps
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined
  #stopped = true
  /** Set by `stop`: no further claim, and the batch in hand ends after the message in flight. */
  #stopping = false
  /** Rows claimed and not yet tried. */
  readonly #held = new Set<number>()

  constructor(deps: OutboxWorkerDeps) {
    this.#deps = deps
  }

  start(): void {
    this.#stopped = false
    this.#stopping = false
    this.#schedule(0)
  }

  /**
   * Stops claiming, finishes the message in flight, and releases the rest of the batch (due again at
   * once, for another worker, its attempt not counted).
   */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#stopping = true
    clearTimeout(this.#timer)
    await this.#running
  }

  /** Claims and sends one batch of due messages. */
  async runOnce(): Promise<BatchResult> {
    const result: BatchResult = { sent: 0, retried: 0, dead: 0 }
    if (this.#stopping) return result
    const rows = await this.#claim()
    for (const row of rows) this.#held.add(row.id)
    const renewal = setInterval(() => {
      this.#renew().catch((error: unknown) =>
        this.#deps.logger.warn({ err: error }, 'outbox lease not renewed'),
      )
    }, this.#deps.renewEveryMs ?? RENEW_EVERY_MS)
    try {
      for (const row of rows) {
        if (this.#stopping) break
        const outcome = await this.#deliver(row)
        result[outcome] += 1
      }
    } finally {
      clearInterval(renewal)
      await this.#release()
    }
    return result
  }

  /** Sends until nothing is due (or the worker is stopping). */
  async drain(): Promise<BatchResult> {
    const total: BatchResult = { sent: 0, retried: 0, dead: 0 }
    for (;;) {
      const batch = await this.runOnce()
      total.sent += batch.sent
      total.retried += batch.retried
      total.dead += batch.dead
      if (batch.sent + batch.retried + batch.dead === 0 || this.#stopping) return total
    }
  }

  /** Pushes back the lease of the rows this worker holds. */
  async #renew(): Promise<void> {
    if (this.#held.size === 0) return
    await this.#deps.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(this.#deps.clock.now().getTime() + LEASE_MS) })
      .where('id', 'in', [...this.#held])
      .where('status', '=', 'pending')
      .execute()
  }

  /** Gives back the rows claimed and not tried: due now, their attempt not counted. */
  async #release(): Promise<void> {
    if (this.#held.size === 0) return
    const ids = [...this.#held]
    this.#held.clear()
    await this.#deps.db
      .updateTable('outbox')
      .set((eb) => ({ next_attempt_at: this.#deps.clock.now(), attempts: eb('attempts', '-', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute()
    this.#deps.logger.info({ released: ids.length }, 'outbox messages released for another worker')
  }

  #schedule(delay: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.drain()
        .catch((error: unknown) => this.#deps.logger.error({ err: error }, 'outbox batch failed'))
        .finally(() => this.#schedule(this.#deps.pollIntervalMs))
    }, delay)
  }

  async #claim(): Promise<ClaimedRow[]> {
    const { db, clock, batchSize } = this.#deps
    const now = clock.now()
    const leaseEnd = new Date(now.getTime() + LEASE_MS)
    // The UPDATE's RETURNING comes back in no particular order (PostgreSQL may hash the IN list):
    // messages are sent in the order they were queued.
    const claimed = await sql<ClaimedRow>`
      with claimed as (
        update outbox set attempts = attempts + 1, next_attempt_at = ${leaseEnd}
        where id in (
          select id from outbox
          where status = 'pending' and next_attempt_at <= ${now}
            and (after_id is null or exists (select 1 from outbox first where first.id = outbox.after_id and first.status = 'sent'))
          order by next_attempt_at, id
          limit ${batchSize}
          for update skip locked
        )
        returning id, template, locale, recipient, payload, sealed, attempts, last_error
      )
      select * from claimed order by id`.execute(db)
    return claimed.rows
  }

  async #deliver(row: ClaimedRow): Promise<keyof BatchResult> {
    const { db, clock, logger } = this.#deps
    try {
      await this.#deps.transport.send({ from: this.#deps.from, to: row.recipient, ...this.#render(row) })
    } catch (error) {
      this.#held.delete(row.id)
      const message = error instanceof Error ? error.message : String(error)
      const dead = row.attempts >= this.#deps.maxAttempts
      const delay = retryDelay(
        row.attempts,
        this.#deps.backoffBaseMs,
        this.#deps.backoffMaxMs,
        (this.#deps.random ?? Math.random)(),
      )
      await db
        .updateTable('outbox')
        .set({
          status: dead ? 'dead' : 'pending',
          next_attempt_at: new Date(clock.now().getTime() + delay),
          last_error: message.slice(0, 500),
          ...(dead ? { sealed: null } : {}),
        })
        .where('id', '=', row.id)
        // Never undo what another worker did with the row (sent it, after this one lost it).
        .where('status', '=', 'pending')
        .execute()
      logger.warn({ outboxId: row.id, attempts: row.attempts, dead, err: { message } }, 'email not sent')
      return dead ? 'dead' : 'retried'
    }
    // Tried: whatever happens next, it is never released to be sent again at once.
    this.#held.delete(row.id)
    await db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: clock.now(), sealed: null, last_error: null })
      .where('id', '=', row.id)
      .execute()
    logger.info({ outboxId: row.id, template: row.template }, 'email sent')
    return 'sent'
  }

  #render(row: ClaimedRow) {
    const template = this.#deps.templates[row.template]
    if (!template) throw new Error(`Unknown email template ${row.template}`)
    const secrets = row.sealed ? this.#deps.box.open<Record<string, unknown>>(row.sealed) : {}
    return template[row.locale](row.payload, secrets)
  }
}

/** A worker set up from the configuration (batch size, attempts, backoff, poll interval). */
export function createOutboxWorker(
  config: Config,
  deps: Pick<
    OutboxWorkerDeps,
    'db' | 'transport' | 'templates' | 'box' | 'clock' | 'logger' | 'renewEveryMs'
  >,
): OutboxWorker {
  return new OutboxWorker({
    ...deps,
    logger: deps.logger.child({ component: 'outbox' }),
    from: config.MAIL_FROM,
    batchSize: config.OUTBOX_BATCH_SIZE,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    backoffBaseMs: config.OUTBOX_BACKOFF_BASE_MS,
    backoffMaxMs: config.OUTBOX_BACKOFF_MAX_MS,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  })
}
