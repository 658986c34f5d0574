import { accountById, accountName, addressKey, isOwnAddress } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { rppsInDirectory } from '../directory/search.ts'
import { labsByIds } from '../labs/repository.ts'
import {
  conflict,
  type FieldProblem,
  forbidden,
  type ProblemCode,
  bodyProblem as problem,
  unprocessable,
} from '../shared/errors.ts'
import { decodeTimeCursor, pageOf } from '../shared/pagination.ts'
import { PROFESSIONS } from '../shared/professions.ts'
import { structuresByIds } from '../structures/repository.ts'
import { type CheckedAccountRequest, checkAccountRequest } from './account-request-checks.ts'
import {
  type AccountRequestRow,
  ADMINISTRATIVE,
  accountRequestView,
  isProfessionalOccupation,
  type NewAccountRequestInput,
} from './account-request-schemas.ts'
import { addBusinessDays } from './business-days.ts'
import { type Actor, mayRequestAccounts } from './policy.ts'

/** Account requests (Omnimed): an institution's account manager asks support to create a user's account. */

export const DUE_BUSINESS_DAYS = 3

export const requestById = (db: Executor, id: string) =>
  db.selectFrom('account_requests').selectAll().where('id', '=', id).executeTakeFirst()

const unknown = (code: ProblemCode, detail: string, problems: FieldProblem[]) =>
  unprocessable(code, detail, problems)

/** The workplaces are known structures, every one managed by the requester. */
async function checkWorkplaces(trx: Executor, actor: Actor, input: NewAccountRequestInput) {
  const structureIds = input.workplaces.map((place) => place.structureId)
  const structures = await structuresByIds(trx, structureIds)
  const missing = input.workplaces.flatMap((place, index) =>
    structures.some((structure) => structure.id === place.structureId)
      ? []
      : [problem(`workplaces.${index}.structureId`, 'is not a known structure')],
  )
  if (missing.length > 0) throw unknown('unknown_structure', 'A workplace is not a known structure.', missing)
  if (!(await mayRequestAccounts(trx, actor, structureIds))) {
    throw forbidden(
      'not_account_manager',
      'Only an account manager of every workplace named may request this account.',
    )
  }
}

/** The labs, the RPPS and the reference account the request names exist. */
async function checkReferences(trx: Executor, input: NewAccountRequestInput, checked: CheckedAccountRequest) {
  if (checked.labRegistrations.length > 0) {
    const labIds = checked.labRegistrations.map((registration) => registration.labId)
    const labs = await labsByIds(trx, labIds)
    const unknownLabs = checked.labRegistrations.flatMap((registration, index) =>
      labs.some((lab) => lab.id === registration.labId)
        ? []
        : [problem(`labRegistrations.${index}.labId`, 'is not a known lab')],
    )
    if (unknownLabs.length > 0)
      throw unknown('unknown_lab', 'A lab registration names an unknown lab.', unknownLabs)
  }
  if (checked.rpps !== null && (await rppsInDirectory(trx, checked.rpps)) === 'unknown') {
    throw unknown('unknown_rpps', 'This RPPS number is not in the national directory.', [
      problem('rpps', 'is not in the RPPS directory'),
    ])
  }
  if (input.referenceAccountId !== undefined) {
    const reference = await accountById(trx, input.referenceAccountId)
    if (reference?.status !== 'active') {
      throw unknown('unknown_reference_account', 'The reference account must be an active account.', [
        problem('referenceAccountId', 'is not an active account'),
      ])
    }
  }
}

/**
 * The address is not the requester's own, and no request for it waits. Whether it, or the RPPS,
 * belongs to an account is not told here, whatever the answer: the support desk sees the account it
 * names beside the request, and its conflicts, at fulfilment.
 */
async function checkAddress(trx: Executor, actor: Actor, email: string) {
  if (await isOwnAddress(trx, actor.accountId, email)) {
    throw unprocessable(
      'own_address',
      'The new user’s access is sent to this address: give theirs, not yours.',
      [problem('email', 'is one of your own addresses')],
    )
  }
  const waiting = await trx
    .selectFrom('account_requests')
    .select('id')
    .where('email_key', '=', addressKey(email))
    .where('status', '=', 'pending')
    .executeTakeFirst()
  if (waiting) throw conflict('request_pending', 'A request for this address is already waiting for support.')
}

function insertRequest(
  trx: Executor,
  now: Date,
  actor: Actor,
  input: NewAccountRequestInput,
  checked: CheckedAccountRequest,
) {
  return trx
    .insertInto('account_requests')
    .values({
      requester_id: actor.accountId,
      civility: input.civility ?? null,
      first_name: checked.firstName,
      last_name: checked.lastName,
      email: checked.email,
      email_key: addressKey(checked.email),
      previous_account: input.previousAccount,
      workplaces: JSON.stringify(input.workplaces),
      occupation: input.occupation,
      rpps: checked.rpps,
      practice_number: input.practiceNumber ?? null,
      prescriber_number: input.prescriberNumber ?? null,
      lab_registrations: JSON.stringify(checked.labRegistrations),
      reference_account_id: input.referenceAccountId ?? null,
      billing: input.billing ? JSON.stringify(input.billing) : null,
      comment: input.comment?.trim() || null,
      status: 'pending',
      due_at: addBusinessDays(now, DUE_BUSINESS_DAYS),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * A manager's request for an account. The requester must be an account manager of every workplace
 * named (`mayRequestAccounts`); an RPPS must be in the national directory once it is imported. The
 * answer is the same whether or not the address belongs to an account: a previous account, an address
 * taken, a professional's account asked as administrative all show to the support desk, who decides
 * (see account-request-target.ts). The request is due in 3 business days and support is told.
 */
export async function submitAccountRequest(
  deps: Deps,
  actor: Actor,
  audit: AuditActor,
  input: NewAccountRequestInput,
): Promise<{ id: string; status: 'pending'; dueAt: string }> {
  const checked = checkAccountRequest(input, {
    acceptAnyRppsCheckDigit: deps.config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  return deps.db.transaction().execute(async (trx) => {
    await checkWorkplaces(trx, actor, input)
    await checkReferences(trx, input, checked)
    await checkAddress(trx, actor, checked.email)
    const row = await insertRequest(trx, deps.clock.now(), actor, input, checked)
    const dueAt = row.due_at.toISOString()
    await deps.outbox.enqueue(trx, {
      to: deps.config.SUPPORT_EMAIL,
      template: 'account_request.submitted_support',
      data: {
        requestId: row.id,
        requester: await accountName(trx, actor.accountId),
        user: `${row.first_name} ${row.last_name}`,
        occupation: isProfessionalOccupation(row.occupation)
          ? (PROFESSIONS[row.occupation] ?? row.occupation)
          : ADMINISTRATIVE,
        previousAccount: row.previous_account,
        dueAt,
      },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'account_request.submitted',
      subjectType: 'account_request',
      subjectId: row.id,
      details: {
        structureIds: input.workplaces.map((place) => place.structureId),
        occupation: row.occupation,
        previousAccount: row.previous_account,
        referenceAccountId: row.reference_account_id,
        dueAt,
      },
    })
    return { id: row.id, status: 'pending' as const, dueAt }
  })
}

/** The requester's own requests, newest first. */
export async function listOwnAccountRequests(
  db: Executor,
  now: Date,
  requesterId: string,
  options: { cursor?: string | undefined; limit: number },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = db
    .selectFrom('account_requests')
    .selectAll()
    .where('requester_id', '=', requesterId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    )
  }
  const page = pageOf(await query.execute(), options.limit, (row) => [row.created_at.toISOString(), row.id])
  return { items: page.items.map((row) => accountRequestView(row, now)), nextCursor: page.nextCursor }
}

/** Support's queue: the soonest due first; `overdue` keeps (or leaves out) pending requests past due. */
export async function listAccountRequests(
  db: Executor,
  now: Date,
  options: {
    status?: AccountRequestRow['status'] | undefined
    overdue?: boolean | undefined
    cursor?: string | undefined
    limit: number
  },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = db
    .selectFrom('account_requests')
    .selectAll()
    .orderBy('due_at', 'asc')
    .orderBy('id', 'asc')
    .limit(options.limit + 1)
  if (options.status) query = query.where('status', '=', options.status)
  if (options.overdue === true) query = query.where('status', '=', 'pending').where('due_at', '<', now)
  if (options.overdue === false) {
    query = query.where((eb) => eb.or([eb('status', '<>', 'pending'), eb('due_at', '>=', now)]))
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('due_at', '>', after.at), eb.and([eb('due_at', '=', after.at), eb('id', '>', after.id)])]),
    )
  }
  const page = pageOf(await query.execute(), options.limit, (row) => [row.due_at.toISOString(), row.id])
  return { items: page.items.map((row) => accountRequestView(row, now)), nextCursor: page.nextCursor }
}
