import type { Insertable } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor, OutboxTable } from '../db/schema.ts'
import type { SecretBox } from '../shared/secret-box.ts'
import type { CatalogOf, EmailTemplate, Locale, TemplateCatalog } from './templates.ts'

type DataOf<T> = T extends EmailTemplate<infer Data, infer _Secrets> ? Data : never
type SecretsOf<T> = T extends EmailTemplate<infer _Data, infer Secrets> ? Secrets : never
/** A field the template needs, optional when every property of its type is. */
type Slot<Key extends string, T> = Record<never, never> extends T ? { [K in Key]?: T } : { [K in Key]: T }

/**
 * An email to queue, checked against the catalogue `C`: the template is one of its names, and the data
 * and secrets are of the types that template renders.
 */
export type OutgoingEmail<C extends CatalogOf<C> = TemplateCatalog> = {
  [Name in keyof C & string]: {
    to: string
    template: Name
    locale?: Locale
    /** Sent only once this other message (an outbox id) has been sent. */
    after?: number
  } & Slot<'data', DataOf<C[Name]>> & // What the template shows; stored as is.
    Slot<'secrets', SecretsOf<C[Name]>> // Codes and links: sealed in the row, erased once sent; never in clear.
}[keyof C & string]

export interface Outbox<C extends CatalogOf<C> = TemplateCatalog> {
  /** Queues an email in the caller's transaction: it is sent only if that transaction commits. */
  enqueue(executor: Executor, email: OutgoingEmail<C>): Promise<number>
  /** The row that queues this email, for a caller that writes it within a larger statement. */
  row(email: OutgoingEmail<C>): Insertable<OutboxTable>
}

export function createOutbox<C extends CatalogOf<C> = TemplateCatalog>(deps: {
  box: SecretBox
  clock: Clock
  defaultLocale: Locale
}): Outbox<C> {
  const row = (email: OutgoingEmail<C>): Insertable<OutboxTable> => {
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
