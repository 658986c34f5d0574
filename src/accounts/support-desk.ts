import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { revokeAllSessions } from '../auth/sessions.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { AccountStatus, Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { confirmPendingPlaces } from '../memberships/places.ts'
import { badRequest, conflict, type FieldProblem, notFound } from '../shared/errors.ts'
import { createAccount } from './account-creation.ts'
import { issueProvisionalCode } from './recovery.ts'
import { accountById, addressInUse, notificationTarget } from './repository.ts'

type StatusUpdate = { status: AccountStatus; status_reason: string | null; validated_at?: Date }

/**
 * Moves an account out of `from` with one conditional UPDATE: of two agents deciding at once, exactly
 * one changes it; the other gets 409 naming the status it found.
 */
async function transition(
  deps: Pick<Deps, 'clock'>,
  trx: Executor,
  accountId: string,
  from: AccountStatus,
  to: StatusUpdate,
) {
  const moved = await trx
    .updateTable('accounts')
    .set({ ...to, updated_at: deps.clock.now() })
    .where('id', '=', accountId)
    .where('status', '=', from)
    .returning(['id', 'status', 'password_hash', 'psc_national_id'])
    .executeTakeFirst()
  if (moved) return moved
  const account = await accountById(trx, accountId)
  if (!account) throw notFound('not_found', 'No such account.')
  throw conflict('invalid_status', `The account is ${account.status}; this needs an account that is ${from}.`)
}

/**
 * The desk's decision on an account waiting for validation. Validated without a password, the person
 * is mailed a provisional access code to set one, unless they sign in with Pro Santé Connect; rejected,
 * they are mailed the reason.
 */
export async function decideValidation(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  input: { decision: 'validate' | 'reject'; reason?: string | undefined },
) {
  const reason = input.reason ?? null
  const validate = input.decision === 'validate'
  if (!validate && !reason)
    throw badRequest('reason_required', 'A rejection needs a reason: it is mailed to the person.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  return deps.db.transaction().execute(async (trx) => {
    const account = await transition(
      deps,
      trx,
      accountId,
      'pending_validation',
      validate
        ? { status: 'active', status_reason: null, validated_at: deps.clock.now() }
        : { status: 'rejected', status_reason: reason },
    )
    const target = await notificationTarget(trx, accountId)
    const withPsc = account.psc_national_id !== null
    const withCode = validate && account.password_hash === null && !withPsc
    const mail = { to: target.address, locale: target.locale }
    if (!validate)
      await deps.outbox.enqueue(trx, {
        ...mail,
        template: 'account.rejected',
        data: { firstName: target.first_name, reason: reason ?? '' },
      })
    else
      await deps.outbox.enqueue(trx, {
        ...mail,
        template: 'account.validated',
        data: { firstName: target.first_name, withCode, ...(withPsc && { withPsc }) },
        ...(withCode && { secrets: { provisionalCode: await issueProvisionalCode(deps, trx, accountId) } }),
      })
    if (validate) {
      // The places given at registration, which the agent saw with the account, count from now on.
      await confirmPendingPlaces(trx, accountId, actor.id, deps.clock.now())
      await deps.labEvents.announceActivation(trx, accountId)
    }
    await recordAudit(trx, deps.clock, actor, {
      action: validate ? 'account.validated' : 'account.rejected',
      subjectType: 'account',
      subjectId: accountId,
      reason,
      details: { from: 'pending_validation', to: account.status, withCode },
    })
    return { id: account.id, status: account.status }
  })
}

/** Suspends an active account; its sessions end at once, so its tokens stop working. */
export async function suspendAccount(deps: Deps, actor: AuditActor, accountId: string, reason: string) {
  if (actor.id === accountId) throw conflict('own_account', 'An agent cannot suspend their own account.')
  return deps.db.transaction().execute(async (trx) => {
    const account = await transition(deps, trx, accountId, 'active', {
      status: 'suspended',
      status_reason: reason,
    })
    const ended = await revokeAllSessions({ db: trx, clock: deps.clock }, accountId, 'account_suspended')
    await deps.labEvents.emit(trx, { type: 'account.suspended', accountId })
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.suspended',
      subjectType: 'account',
      subjectId: accountId,
      reason,
      details: { sessionsEnded: ended },
    })
    return { id: account.id, status: account.status }
  })
}

/** Lifts a suspension: the person signs in again (the sessions ended by the suspension stay ended). */
export async function liftSuspension(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  reason: string | undefined,
) {
  return deps.db.transaction().execute(async (trx) => {
    const account = await transition(deps, trx, accountId, 'suspended', {
      status: 'active',
      status_reason: null,
    })
    await deps.labEvents.announceActivation(trx, accountId)
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.suspension_lifted',
      subjectType: 'account',
      subjectId: accountId,
      reason: reason ?? null,
    })
    return { id: account.id, status: account.status }
  })
}

export interface NewSupportAgent {
  email: string
  firstName: string
  lastName: string
  civility?: 'M' | 'MME' | undefined
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/**
 * A support agent's account, created from the command line: active at once, with the `support` role,
 * and a provisional access code (answered once, stored hashed) with which the agent sets a password
 * through POST /v1/auth/activation.
 */
export async function createSupportAccount(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'secrets'>,
  input: NewSupportAgent,
): Promise<{ id: string; email: string; provisionalCode: string }> {
  const email = input.email.trim()
  const firstName = input.firstName.trim()
  const lastName = input.lastName.trim()
  const problems: FieldProblem[] = []
  if (!EMAIL.test(email) || email.length > 254)
    problems.push({ in: 'input', field: 'email', message: 'is not an email address' })
  for (const [field, value] of [
    ['firstName', firstName],
    ['lastName', lastName],
  ] as const)
    if (value.length < 1 || value.length > 100)
      problems.push({ in: 'input', field, message: 'must have 1 to 100 characters' })
  if (problems.length > 0) throw badRequest('invalid_input', 'The agent’s details are not valid.', problems)

  const taken = () => conflict('address_taken', `The address ${email} already belongs to an account.`)
  const now = deps.clock.now()
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (await addressInUse(trx, email)) throw taken()
      const account = await createAccount(
        trx,
        now,
        {
          status: 'active',
          profile: 'administrative',
          roles: ['support'],
          civility: input.civility ?? 'M',
          first_name: firstName,
          last_name: lastName,
          terms_version: deps.config.TERMS_VERSION,
          validated_at: now,
        },
        email,
      )
      const provisionalCode = await issueProvisionalCode(deps, trx, account.id)
      await recordAudit(
        trx,
        deps.clock,
        { type: 'system', id: null, requestId: null },
        {
          action: 'account.support_agent_created',
          subjectType: 'account',
          subjectId: account.id,
          details: { roles: ['support'] },
        },
      )
      return { id: account.id, email, provisionalCode }
    })
  } catch (error) {
    if (isUniqueViolation(error, 'account_emails_address')) throw taken()
    throw error
  }
}
