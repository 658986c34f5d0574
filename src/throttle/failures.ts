import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'

/**
 * Consecutive failed password checks, counted on the address typed (known or not, so that nothing tells
 * them apart), and apart per client address:
 * - from one client address, the first few failures are free, then each waits twice as long as the one
 *   before (growing delays), so guessing from one place is slow while the owner, elsewhere, is not held;
 * - for the address as a whole, at most 100 consecutive failures (NIST SP 800-63B 5.2.2): then the
 *   address is locked until its owner sets a password through a reset link.
 * An attempt is counted as a failure when it is let through, before the password is checked, so that
 * guesses sent at once cannot all pass; a right password then clears both counts.
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

/** The wait after the `failures`-th consecutive failure from one client address. */
export function delayAfter(failures: number): number {
  if (failures < FAILURES.freePerClient) return 0
  return Math.min(FAILURES.firstDelayMs * 2 ** (failures - FAILURES.freePerClient), FAILURES.maxDelayMs)
}

/**
 * Lets a password attempt through, or not, for this address from this client: held while the client
 * waits out its delay, or while the address is locked; let through, the attempt is counted as a failure
 * (cleared if the password is right). One short transaction holding both rows, so that concurrent
 * attempts are counted one after the other.
 */
export async function admitAttempt(
  db: Executor,
  address: string,
  ip: string,
  now: Date,
): Promise<FailureVerdict> {
  const keys = [accountKey(address), clientKey(address, ip)].sort()
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sign_in_failures')
      .values(keys.map((key) => ({ key, failures: 0, last_failed_at: now, blocked_until: null })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
    const rows = await trx
      .selectFrom('sign_in_failures')
      .select(['key', 'failures', 'blocked_until'])
      .where('key', 'in', keys)
      .orderBy('key')
      .forUpdate()
      .execute()
    const account = rows.find((row) => row.key === accountKey(address))
    const client = rows.find((row) => row.key === clientKey(address, ip))
    if (account && account.failures >= FAILURES.lockAfter) return { ok: false, reason: 'locked' } as const
    if (client?.blocked_until && client.blocked_until > now) {
      const retryAfterMs = client.blocked_until.getTime() - now.getTime()
      return { ok: false, reason: 'delayed', retryAfterMs } as const
    }
    const delay = delayAfter((client?.failures ?? 0) + 1)
    await trx
      .updateTable('sign_in_failures')
      .set((eb) => ({
        failures: eb('failures', '+', 1),
        last_failed_at: now,
        blocked_until: eb
          .case()
          .when('key', '=', clientKey(address, ip))
          .then(delay > 0 ? new Date(now.getTime() + delay) : null)
          .else(eb.ref('blocked_until'))
          .end(),
      }))
      .where('key', 'in', keys)
      .execute()
    return { ok: true } as const
  })
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
