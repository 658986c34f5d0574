import { sql } from 'kysely'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { PREPARED } from '../db/database.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { AppError, tooManyRequests, unauthorized } from '../shared/errors.ts'
import {
  type Admission,
  admission,
  clearFailures,
  clearingFailures,
  sweepFailures,
  verdictOf,
} from '../throttle/failures.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import type { ChallengedAccount } from './challenges.ts'
import { addressKey, type LoginAccountQuery } from './repository.ts'

export type PasswordAccount = ChallengedAccount & { status: string; password_hash: string | null }

/**
 * A right password: its account, and the statement that clears its failure counts, to run within the
 * statement that writes what the password opens (`issueChallenge`), or alone: a right password left
 * counted would delay, then lock, its owner.
 */
export interface VerifiedPassword {
  account: PasswordAccount
  clearFailures: ReturnType<typeof clearingFailures>
}

/** What every refused sign-in answers, whatever the reason (which only the audit trail records). */
export const invalidCredentials = (detail = 'Wrong email or password.') =>
  unauthorized('invalid_credentials', detail)
let failuresSinceSweep = 0

/**
 * A password typed for an address, at sign-in or to step up: the client address's throttle, then the
 * failure counts (growing delays from one client; a lock after 100 in a row), then the hash. Unknown
 * address, wrong password and an account that may not sign in all get the same 401 after the same work
 * (a hash is verified either way); the true reason goes to the audit trail only. A right password
 * clears the failure counts within the statement that follows it (`VerifiedPassword`).
 */
export async function verifyPasswordStep(
  deps: Deps,
  context: RequestContext,
  typed: { address: string; password: string },
  lookup: LoginAccountQuery,
  audit: { actor: AuditActor; failedAction: string },
): Promise<VerifiedPassword> {
  const key = addressKey(typed.address)
  const now = deps.clock.now()
  const [{ failures, account }] = await Promise.all([
    admitAndLookUp(deps.db, key, context.client, now, lookup),
    throttle(deps, `signin:ip:${context.client}`, LIMITS.signInPerIp),
  ])
  if (!failures.ok) {
    if (failures.reason === 'delayed') throw tooManyRequests(Math.ceil(failures.retryAfterMs / 1000))
    throw new AppError(
      429,
      'sign_in_locked',
      'Too many failed attempts for this address: set a new password through "forgot password" to sign in again.',
    )
  }
  const matches = await deps.passwords.verify(account?.password_hash ?? null, typed.password)
  const refusal = !account
    ? 'unknown_email'
    : !account.password_hash
      ? 'no_password'
      : !matches
        ? 'wrong_password'
        : account.status !== 'active'
          ? `account_${account.status}`
          : null
  // The attempt was counted as a failure when let through: a right password (an account that may not sign
  // in included) clears it; an unknown address stays counted, as a wrong password does, so both look alike.
  if (!matches || !account?.password_hash) {
    if (++failuresSinceSweep % 100 === 0) await sweepFailures(deps.db, now)
  } else if (refusal) await clearFailures(deps.db, key, context.client)
  if (refusal || !account?.password_hash) {
    await recordAudit(deps.db, deps.clock, audit.actor, {
      action: audit.failedAction,
      subjectType: 'account',
      subjectId: account?.id ?? null,
      reason: refusal,
    })
    throw invalidCredentials()
  }
  if (deps.passwords.needsRehash(account.password_hash)) {
    await deps.db
      .updateTable('accounts')
      .set({ password_hash: await deps.passwords.hash(typed.password) })
      .where('id', '=', account.id)
      .execute()
  }
  return { account, clearFailures: clearingFailures(deps.db, key, context.client) }
}

/**
 * The attempt let through or held (see `admission`) and the account looked up, in one round trip: the
 * account is used only if the attempt may go on. A named prepared statement: the account's query takes
 * longer to plan than to run.
 */
async function admitAndLookUp(
  db: Executor,
  address: string,
  client: string,
  now: Date,
  lookup: LoginAccountQuery,
) {
  type Row = Admission & { [Column in keyof PasswordAccount]: PasswordAccount[Column] | null }
  const { rows } =
    await sql<Row>`${sql.raw(PREPARED)}select v.verdict, v.retry_after_ms::integer as retry_after_ms,
      account.id, account.status, account.password_hash, account.first_name, account.locale,
      account.totp_confirmed_at, account.address
    from ${admission(address, client, now)} v left join lateral ${lookup} account on true`.execute(db)
  const row = rows[0]
  const account: PasswordAccount | undefined =
    row?.id != null
      ? {
          id: row.id,
          status: row.status!,
          password_hash: row.password_hash,
          first_name: row.first_name!,
          locale: row.locale!,
          totp_confirmed_at: row.totp_confirmed_at,
          address: row.address!,
        }
      : undefined
  return { failures: verdictOf(row), account }
}
