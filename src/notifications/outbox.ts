import type { Insertable } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor, OutboxTable } from '../db/schema.ts'
import type { SecretBox } from '../shared/secret-box.ts'
import type { Locale } from './templates.ts'

export interface OutgoingEmail {
  to: string
  template: string
  locale?: Locale
  /** What the template shows; stored as is. */
  data?: Record<string, unknown>
  /** Codes and links: sealed in the row and erased once sent; never stored in clear. */
  secrets?: Record<string, unknown>
  /** Sent only once this other message (an outbox id) has been sent. */
  after?: number
}

export interface Outbox {
  /** Queues an email in the caller's transaction: it is sent only if that transaction commits. */
  enqueue(executor: Executor, email: OutgoingEmail): Promise<number>
  /** The row that queues this email, for a caller that writes it within a larger statement. */
  row(email: OutgoingEmail): Insertable<OutboxTable>
}

export function createOutbox(deps: { box: SecretBox; clock: Clock; defaultLocale: Locale }): Outbox {
  const row = (email: OutgoingEmail): Insertable<OutboxTable> => {
    const now = deps.clock.now()
    return {
      template: email.template,
      locale: email.locale ?? deps.defaultLocale,
      recipient: email.to,
      payload: JSON.stringify(email.data ?? {}),
      sealed: email.secrets ? deps.box.seal(email.secrets) : null,
      after_id: email.after ?? null,
      next_attempt_at: now,
      created_at: now,
    }
  }
  return {
    row,
    async enqueue(executor, email) {
      const queued = await executor
        .insertInto('outbox')
        .values(row(email))
        .returning('id')
        .executeTakeFirstOrThrow()
      return queued.id
    },
  }
}

export async function outboxCounts(db: Executor): Promise<{ pending: number; dead: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute()
  const count = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0)
  return { pending: count('pending'), dead: count('dead') }
}
