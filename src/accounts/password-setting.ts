import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { revokeAllSessions } from '../auth/sessions.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { badRequest } from '../shared/errors.ts'
import { liftFailures } from '../throttle/failures.ts'
import { checkPassword } from './password-policy.ts'
import { notificationTarget } from './repository.ts'

/** Setting a password: by reset link, at activation, or signed in after a re-authentication. */

/** Refuses a password the policy refuses, naming each problem. */
export function assertPassword(
  input: { password: string; passwordConfirmation: string },
  context: { email: string; firstName: string; lastName: string },
) {
  const verdict = checkPassword(input.password, input.passwordConfirmation, context)
  if (!verdict.ok) {
    throw badRequest(
      'weak_password',
      'The password does not meet the policy.',
      verdict.problems.map((problem) => ({
        in: 'body',
        field: problem.code === 'mismatch' ? 'passwordConfirmation' : 'password',
        message: problem.message,
      })),
    )
  }
}

export async function setPassword(
  deps: Deps,
  trx: Executor,
  accountId: string,
  hash: string,
  actor: AuditActor,
  action: string,
  keepSession?: string,
) {
  const now = deps.clock.now()
  await trx
    .updateTable('accounts')
    .set({ password_hash: hash, password_changed_at: now, updated_at: now })
    .where('id', '=', accountId)
    .execute()
  // Every reset link and provisional code still out dies with the old password.
  await trx
    .updateTable('account_secrets')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('kind', 'in', ['password_reset', 'provisional_code'])
    .where('used_at', 'is', null)
    .execute()
  await revokeAllSessions({ db: trx, clock: deps.clock }, accountId, 'password_changed', keepSession)
  const target = await notificationTarget(trx, accountId)
  const login = await trx
    .selectFrom('account_emails')
    .select('address_key')
    .where('account_id', '=', accountId)
    .where('is_login', '=', true)
    .executeTakeFirstOrThrow()
  // The owner has proven it: the sign-in failures on the address, and a lock, are lifted.
  await liftFailures(trx, login.address_key)
  await deps.outbox.enqueue(trx, {
    to: target.address,
    template: 'account.password_changed',
    locale: target.locale,
    data: { firstName: target.first_name },
  })
  await recordAudit(trx, deps.clock, actor, { action, subjectType: 'account', subjectId: accountId })
}

/**
 * A signed-in person changes their password (after a recent re-authentication): the other sessions end,
 * this one stays.
 */
export async function changePassword(
  deps: Deps,
  context: RequestContext,
  owner: { sub: string; sid: string },
  input: { password: string; passwordConfirmation: string },
) {
  const account = await deps.db
    .selectFrom('accounts')
    .select(['first_name', 'last_name'])
    .where('id', '=', owner.sub)
    .executeTakeFirstOrThrow()
  const target = await notificationTarget(deps.db, owner.sub)
  assertPassword(input, { email: target.address, firstName: account.first_name, lastName: account.last_name })
  const hash = await deps.passwords.hash(input.password)
  await deps.db.transaction().execute(async (trx) => {
    await setPassword(
      deps,
      trx,
      owner.sub,
      hash,
      { type: 'person', id: owner.sub, requestId: context.requestId },
      'auth.password_changed',
      owner.sid,
    )
  })
}
