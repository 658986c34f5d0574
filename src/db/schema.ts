import type { ColumnType, Generated, Kysely, Transaction } from 'kysely'

/** Table types, one interface per table, kept beside the migrations that create them. */
export interface OutboxTable {
  id: Generated<number>
  template: string
  locale: 'fr' | 'en'
  recipient: string
  payload: ColumnType<Record<string, unknown>, string, string>
  sealed: Buffer | null
  status: ColumnType<'pending' | 'sent' | 'dead', 'pending' | undefined, 'pending' | 'sent' | 'dead'>
  attempts: ColumnType<number, never, number>
  next_attempt_at: Date
  last_error: string | null
  created_at: ColumnType<Date, Date, never>
  sent_at: Date | null
}

export interface RateLimitCountersTable {
  key: string
  count: number
  reset_at: Date
}

export interface DB {
  outbox: OutboxTable
  rate_limit_counters: RateLimitCountersTable
}

/** What data-access functions take first: the database, or the caller's transaction. */
export type Executor = Kysely<DB> | Transaction<DB>
