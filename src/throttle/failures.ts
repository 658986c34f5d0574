import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import type { DB, Executor } from '../db/schema.ts'

/**
 * Consecutive failed password checks, counted on the address typed (known or not, so that nothing tells
 * them apart), and apart per client address:
 * - from one client address, the first few failures are free, then each waits twice as long as the one
 *   before (growing delays), so guessing from one place is slow while the owner, elsewhere, is not held;
 * - for the address as a whole, at most 100 consecutive failures (NIST SP 800-63B 5.2.2): then the
 *   address is locked until its owner sets a password through a reset link.
 * An attempt is counted as a failure when it is let through, before the password is checked, so that
 * guesses sent at once cannot all pass; a right password then clears both counts. These are the rules'
 * figures; `admit_sign_in_attempt` (migrations 0019 and 0022) applies them.
 */
export const FAILURES = {
  freePerClient: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  lockAfter: 100,
} as const

const accountKey = (address: string) => `account:${address}`
const clientKey = (address: string, ip: string) => `client:${address}:${ip}`

export type FailureVerdict =
  | { ok: true }
  | { ok: false; reason: 'delayed'; retryAfterMs: number }
  | { ok: false; reason: 'locked' }

/** What `admit_sign_in_attempt` answers, as read by `verdictOf`. */
export interface Admission {
  verdict: 'ok' | 'locked' | 'delayed'
  retry_after_ms: number
}

/**
 * The call that lets a password attempt through, or not, for this address from this client, as a table
 * of one row (`Admission`) to read from, alone or beside what the same round trip also reads: held while
 * the client waits out its delay, or while the address is locked; let through, the attempt is counted
 * as a failure (cleared if the password is right). `admit_sign_in_attempt` (migrations 0019, 0022)
 * holds both rows, locked in key order, so that concurrent attempts are counted one after the other.
 */
export const admission = (address: string, ip: string, now: Date) =>
  sql<Admission>`admit_sign_in_attempt(
    ${accountKey(address)}, ${clientKey(address, ip)}, ${now}::timestamptz,
    ${FAILURES.freePerClient}, ${FAILURES.firstDelayMs}, ${FAILURES.maxDelayMs}, ${FAILURES.lockAfter})`

export function verdictOf(row: Admission | undefined): FailureVerdict {
  if (!row) throw new Error('admit_sign_in_attempt answered nothing')
  if (row.verdict === 'ok') return { ok: true }
  if (row.verdict === 'locked') return { ok: false, reason: 'locked' }
  return { ok: false, reason: 'delayed', retryAfterMs: Number(row.retry_after_ms) }
}

/**
 * Deletes the counts `which` picks, their rows locked in key order first, as `admit_sign_in_attempt`
 * locks them: a delete and an attempt never wait on each other in a cycle. Every delete of counts goes
 * through here.
 */
const deletingCounts = (
  db: Executor,
  which: (row: ExpressionBuilder<DB, 'sign_in_failures'>) => Expression<SqlBool>,
) =>
  db
    .deleteFrom('sign_in_failures')
    .where('key', 'in', (eb) =>
      eb.selectFrom('sign_in_failures').select('key').where(which).orderBy('key').forUpdate(),
    )

/**
 * A success from this client: both counts start again. A statement to run alone, or within the one
 * that writes what the success opens (see `issueChallenge`).
 */
export const clearingFailures = (db: Executor, address: string, ip: string) =>
  deletingCounts(db, (row) => row('key', 'in', [accountKey(address), clientKey(address, ip)]))

/** A success from this client, in a round trip of its own (see `clearingFailures`). */
export async function clearFailures(db: Executor, address: string, ip: string): Promise<void> {
  await clearingFailures(db, address, ip).execute()
}

/** A password set through a reset link (or activation) lifts every count on the address, the lock too. */
export async function liftFailures(db: Executor, address: string): Promise<void> {
  const clients = clientKey(address, '')
  await deletingCounts(db, (row) =>
    row.or([
      row('key', '=', accountKey(address)),
      row(sql<string>`left(key, ${clients.length})`, '=', clients),
    ]),
  ).execute()
}

/** Forgets the counts of clients that stopped failing a day ago; locks stay until lifted. */
export async function sweepFailures(db: Executor, now: Date): Promise<void> {
  await deletingCounts(db, (row) =>
    row.and([
      row('last_failed_at', '<', new Date(now.getTime() - 86_400_000)),
      row('failures', '<', FAILURES.lockAfter),
    ]),
  ).execute()
}
