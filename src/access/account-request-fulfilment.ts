import { sql } from 'kysely'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, notFound, unprocessable } from '../shared/errors.ts'
import { type Agent, createRequestedAccount } from './account-request-new-account.ts'
import { updatePreviousAccount } from './account-request-previous-account.ts'
import { type AccountRequestRow, accountRequestView } from './account-request-schemas.ts'
import { requestTarget } from './account-request-target.ts'
import { requestById } from './account-requests.ts'
import { mayRequestAccounts } from './policy.ts'

export interface FulfilmentDecision {
  decision: 'fulfil' | 'reject'
  reason?: string | undefined
  /** The user's civility, when the request does not give it. */
  civility?: 'M' | 'MME' | undefined
}

type Decided = AccountRequestRow
type Requester = Awaited<ReturnType<typeof notificationTarget>>

/** A new account's civility: the request's, or the one the support desk gave with its fulfilment. */
function civilityOf(decided: Decided) {
  if (!decided.civility)
    throw unprocessable(
      'civility_required',
      'The request does not say the user’s civility: give it (M or MME) with the fulfilment.',
    )
  return decided.civility
}

/** Records the decision with one conditional UPDATE: only a pending request is decided, once. */
async function recordDecision(
  trx: Executor,
  now: Date,
  agent: Agent,
  requestId: string,
  input: FulfilmentDecision,
  reason: string | null,
) {
  const decided = await trx
    .updateTable('account_requests')
    .set({
      status: input.decision === 'fulfil' ? 'fulfilled' : 'rejected',
      reason: input.decision === 'reject' ? reason : null,
      // The request's own civility stands; the support desk's fills a request made without one.
      ...(input.decision === 'fulfil' &&
        input.civility && { civility: sql<'M' | 'MME'>`coalesce(civility, ${input.civility})` }),
      decided_by: agent.id,
      decided_at: now,
    })
    .where('id', '=', requestId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
  if (decided) return decided
  const existing = await requestById(trx, requestId)
  if (!existing) throw notFound('not_found', 'No such account request.')
  throw conflict('already_decided', `This request has already been ${existing.status}.`)
}

/** Rejected: the requester is mailed the reason. */
async function reject(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  decided: Decided,
  requester: Requester,
  reason: string | null,
) {
  await deps.outbox.enqueue(trx, {
    to: requester.address,
    template: 'account_request.rejected',
    locale: requester.locale,
    data: {
      firstName: requester.first_name,
      requestId: decided.id,
      user: `${decided.first_name} ${decided.last_name}`,
      reason: reason ?? '',
    },
  })
  await recordAudit(trx, deps.clock, agent, {
    action: 'account_request.rejected',
    subjectType: 'account_request',
    subjectId: decided.id,
    reason,
  })
  return decided
}

/**
 * What stops a fulfilment: the manager may have lost a mandate since asking (the request no longer
 * stands), or something the requester was not told (the address taken, the previous account not
 * theirs…): support sees it beside the request and rejects, or resolves it first.
 */
async function checkFulfilment(trx: Executor, decided: Decided) {
  const structureIds = decided.workplaces.map((place) => place.structureId)
  const { roles } = (await accountById(trx, decided.requester_id)) ?? { roles: [] }
  if (!(await mayRequestAccounts(trx, { accountId: decided.requester_id, roles }, structureIds))) {
    throw conflict(
      'requester_not_manager',
      'The requester no longer manages accounts at every workplace named: reject the request.',
    )
  }
  const { holder, conflicts } = await requestTarget(trx, decided)
  const [first] = conflicts
  if (first) throw conflict(first.code, first.message)
  return holder
}

/** Fulfilled: the account created (or the previous one updated), the user then the requester mailed. */
async function fulfil(deps: Deps, trx: Executor, agent: Agent, decided: Decided, requester: Requester) {
  const holder = await checkFulfilment(trx, decided)
  const outcome =
    decided.previous_account && holder
      ? await updatePreviousAccount(deps, trx, agent, decided, holder)
      : await createRequestedAccount(deps, trx, agent, decided, civilityOf(decided))
  const fulfilled = await trx
    .updateTable('account_requests')
    .set({ account_id: outcome.accountId })
    .where('id', '=', decided.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await deps.outbox.enqueue(trx, {
    to: requester.address,
    template: 'account_request.fulfilled',
    locale: requester.locale,
    data: {
      firstName: requester.first_name,
      requestId: decided.id,
      user: `${decided.first_name} ${decided.last_name}`,
      email: decided.email,
      updated: outcome.updated,
    },
    after: outcome.userMessageId,
  })
  await recordAudit(trx, deps.clock, agent, {
    action: 'account_request.fulfilled',
    subjectType: 'account_request',
    subjectId: decided.id,
    details: { accountId: outcome.accountId, updated: outcome.updated },
  })
  return fulfilled
}

/**
 * Support's decision on a pending request. One conditional UPDATE records it, so of two agents deciding
 * at once exactly one does; the other gets 409. Fulfilled, the account is created active (or the
 * previous account updated) and the user mailed; the requester's confirmation waits in the outbox
 * until that mail has been sent. Rejected, the requester is mailed the reason.
 */
export async function decideAccountRequest(
  deps: Deps,
  agent: Agent,
  requestId: string,
  input: FulfilmentDecision,
) {
  const reason = input.reason?.trim() || null
  if (input.decision === 'reject' && !reason) {
    throw badRequest('reason_required', 'A rejection needs a reason: it is mailed to the requester.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  }
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now()
      const decided = await recordDecision(trx, now, agent, requestId, input, reason)
      const requester = await notificationTarget(trx, decided.requester_id)
      const row =
        input.decision === 'reject'
          ? await reject(deps, trx, agent, decided, requester, reason)
          : await fulfil(deps, trx, agent, decided, requester)
      return accountRequestView(row, now)
    })
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict('account_conflict', 'Another account took this address or RPPS number meanwhile.')
    }
    throw error
  }
}
