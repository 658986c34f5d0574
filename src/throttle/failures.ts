import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'

/**
 * Consecutive failed password checks, counted on the address typed (known or not, so that nothing tells
 * them apart), and apart per client address:
 * - from one client address, the first few failures are free, then each waits twice as long as the one
 *   before (growing delays), so guessing from one place is slow while the owner, elsewhere, is not held;
 * - for the address as a whole, at most 100 consecutive failures (NIST SP 800-63B 5.2.2): then the
 *   address is locked until its owner sets a password through a reset link.
 * A success clears both counts; only failures are counted.
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
  | { ok: true; seen: boolean }
  | { ok: false; reason: 'delayed'; retryAfterMs: number }
  | { ok: false; reason: 'locked' }

/** Whether a password may be tried now for this address from this client: one indexed read. */
export async function checkFailures(
  db: Executor,
  address: string,
  ip: string,
  now: Date,
): Promise<FailureVerdict> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select(['key', 'failures', 'blocked_until'])
    .where('key', 'in', [accountKey(address), clientKey(address, ip)])
    .execute()
  const account = rows.find((row) => row.key === accountKey(address))
  const client = rows.find((row) => row.key === clientKey(address, ip))
  if (account && account.failures >= FAILURES.lockAfter) return { ok: false, reason: 'locked' }
  if (client?.blocked_until && client.blocked_until > now)
    return { ok: false, reason: 'delayed', retryAfterMs: client.blocked_until.getTime() - now.getTime() }
  return { ok: true, seen: rows.length > 0 }
}

/** The wait after the `failures`-th consecutive failure from one client address. */
export function delayAfter(failures: number): number {
  if (failures < FAILURES.freePerClient) return 0
  return Math.min(FAILURES.firstDelayMs * 2 ** (failures - FAILURES.freePerClient), FAILURES.maxDelayMs)
}

/** Counts one failure on both keys, in one statement. */
export async function recordFailure(db: Executor, address: string, ip: string, now: Date): Promise<void> {
  await sql`
    insert into sign_in_failures as f (key, failures, last_failed_at, blocked_until)
    values (${accountKey(address)}, 1, ${now}, null), (${clientKey(address, ip)}, 1, ${now}, null)
    on conflict (key) do update set
      failures = f.failures + 1,
      last_failed_at = excluded.last_failed_at,
      blocked_until = case when f.key like 'client:%' then ${now}::timestamptz + make_interval(secs =>
        least(${FAILURES.maxDelayMs}::float8,
          case when f.failures + 1 < ${FAILURES.freePerClient} then 0
          else ${FAILURES.firstDelayMs}::float8 * power(2, f.failures + 1 - ${FAILURES.freePerClient}) end) / 1000)
      end`.execute(db)
}

/** A success from this client: both counts start again. */
export async function clearFailures(db: Executor, address: string, ip: string): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('key', 'in', [accountKey(address), clientKey(address, ip)])
    .execute()
}

/** A password set through a reset link (or activation) lifts every count on the address, the lock too. */
export async function liftFailures(db: Executor, address: string): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where((eb) =>
      eb.or([
        eb('key', '=', accountKey(address)),
        eb(sql<string>`left(key, ${clientKey(address, '').length})`, '=', clientKey(address, '')),
      ]),
    )
    .execute()
}

/** Forgets the counts of clients that stopped failing a day ago; locks stay until lifted. */
export async function sweepFailures(db: Executor, now: Date): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('last_failed_at', '<', new Date(now.getTime() - 86_400_000))
    .where('failures', '<', FAILURES.lockAfter)
    .execute()
}
