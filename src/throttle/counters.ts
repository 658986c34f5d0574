import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'

export interface Hit {
  /** Hits in the current window, this one included. */
  count: number
  /** Milliseconds until the window resets. */
  resetInMs: number
}

/**
 * Counts one hit on `key` in a fixed window of `windowMs`, atomically in PostgreSQL, so every instance
 * shares the count. A window that has ended starts again at 1.
 */
export async function countHit(db: Executor, key: string, windowMs: number, now: Date): Promise<Hit> {
  const reset = new Date(now.getTime() + windowMs)
  const { rows } = await sql<{ count: number; reset_at: Date }>`
    insert into rate_limit_counters as c (key, count, reset_at) values (${key}, 1, ${reset})
    on conflict (key) do update set
      count = case when c.reset_at <= ${now} then 1 else c.count + 1 end,
      reset_at = case when c.reset_at <= ${now} then ${reset} else c.reset_at end
    returning count, reset_at`.execute(db)
  const row = rows[0]!
  return { count: row.count, resetInMs: Math.max(0, new Date(row.reset_at).getTime() - now.getTime()) }
}

/** Removes counters whose window has ended. */
export async function sweepCounters(db: Executor, now: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limit_counters').where('reset_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
