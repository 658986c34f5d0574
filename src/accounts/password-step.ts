import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { AppError, tooManyRequests, unauthorized } from '../shared/errors.ts'
import { admitAttempt, clearFailures, sweepFailures } from '../throttle/failures.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import type { ChallengedAccount } from './challenges.ts'
import { addressKey } from './repository.ts'

export type PasswordAccount = ChallengedAccount & { status: string; password_hash: string | null }

/** What every refused sign-in answers, whatever the reason (which only the audit trail records). */
export const invalidCredentials = (detail = 'Wrong email or password.') =>
  unauthorized('invalid_credentials', detail)
let failuresSinceSweep = 0

/**
 * A password typed for an address, at sign-in or to step up: the client address's throttle, then the
 * failure counts (growing delays from one client; a lock after 100 in a row), then the hash. Unknown
 * address, wrong password and an account that may not sign in all get the same 401 after the same work
 * (a hash is verified either way); the true reason goes to the audit trail only.
 */
export async function verifyPasswordStep(
  deps: Deps,
  context: RequestContext,
  typed: { address: string; password: string },
  lookup: Promise<PasswordAccount | undefined>,
  audit: { actor: AuditActor; failedAction: string },
): Promise<PasswordAccount> {
  const key = addressKey(typed.address)
  const now = deps.clock.now()
  // The account is looked up while the attempt is counted; it is used only if the attempt may go on.
  const [account, , failures] = await Promise.all([
    lookup,
    throttle(deps, `signin:ip:${context.client}`, LIMITS.signInPerIp),
    admitAttempt(deps.db, key, context.client, now),
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
  if (matches && account?.password_hash) await clearFailures(deps.db, key, context.client)
  else if (++failuresSinceSweep % 100 === 0) await sweepFailures(deps.db, now)
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
  return account
}
