import { awaitValidation, notifyApprover } from '../accounts/registration.ts'
import {
  accountById,
  accountName,
  notificationTarget,
  responsibleProfessional,
} from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor, RightName } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { hasConfirmedPlaceAt } from '../memberships/places.ts'
import {
  accessRequestById,
  decidePendingRequest,
  hasPendingRequestAt,
  openAccessRequest,
} from '../memberships/requests.ts'
import { grantRight, rightsHeldAt } from '../memberships/rights.ts'
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../shared/errors.ts'
import { type Actor, deciderRole } from './policy.ts'

export interface NewAccessRequest {
  structureId: string
  rights: RightName[]
  approverId?: string
  approverRpps?: string
  comment?: string
}

/**
 * What a request must meet: asked at one of the person's confirmed places, naming a professional of
 * that structure, for rights not held yet, with no other request of theirs waiting there. Answers the
 * approver and the rights still wanted.
 */
async function checkAccessRequest(trx: Executor, accountId: string, input: NewAccessRequest) {
  if (!(await hasConfirmedPlaceAt(trx, accountId, input.structureId)))
    throw unprocessable(
      'not_at_structure',
      'You can only ask for rights at one of your confirmed practice places.',
    )
  const approver = await responsibleProfessional(trx, input.structureId, {
    id: input.approverId,
    rpps: input.approverRpps,
  })
  if (!approver || approver.id === accountId) {
    throw unprocessable(
      'approver_not_found',
      'The approver must be a professional registered at this structure.',
    )
  }
  const held = await rightsHeldAt(trx, accountId, input.structureId)
  const wanted = [...new Set(input.rights)].filter((right) => !held.includes(right))
  if (wanted.length === 0) throw conflict('rights_held', 'You already hold these rights here.')
  if (await hasPendingRequestAt(trx, accountId, input.structureId))
    throw conflict('request_pending', 'A request of yours for this structure is already waiting.')
  return { approver, wanted }
}

/** An active account asks for sensitive rights at one of its practice places, naming the approver. */
export async function requestAccess(deps: Deps, actor: AuditActor & { id: string }, input: NewAccessRequest) {
  if (input.approverId === undefined && input.approverRpps === undefined) {
    throw badRequest('approver_required', 'Name the approving professional (approverId or approverRpps).')
  }
  return deps.db.transaction().execute(async (trx) => {
    const { approver, wanted } = await checkAccessRequest(trx, actor.id, input)
    const request = await openAccessRequest(trx, {
      account_id: actor.id,
      structure_id: input.structureId,
      rights: wanted,
      approver_id: approver.id,
      status: 'pending',
      comment: input.comment ?? null,
      created_at: deps.clock.now(),
    })
    await notifyApprover(deps, trx, approver.id, {
      requestId: request.id,
      requester: await accountName(trx, actor.id),
      rights: wanted,
    })
    await recordAudit(trx, deps.clock, actor, {
      action: 'access.requested',
      subjectType: 'access_request',
      subjectId: request.id,
      details: { structureId: input.structureId, rights: wanted, approverId: approver.id },
    })
    return request
  })
}

export interface Decision {
  decision: 'approve' | 'reject'
  rights?: RightName[]
  reason?: string
}

/**
 * Decides a request: approve as asked, approve fewer rights, or reject with a reason. One conditional
 * update records the decision, so two deciders at the same moment cannot both decide: the second
 * gets 409. A registration waiting on approval moves on to the support desk; an active account gets
 * its rights at once.
 */
export async function decideAccessRequest(
  deps: Deps,
  actor: Actor,
  requestId: string,
  input: Decision,
  requestIdHeader: string,
) {
  if (input.decision === 'reject' && !input.reason?.trim())
    throw badRequest('reason_required', 'Say why the request is rejected.')
  const request = await accessRequestById(deps.db, requestId)
  if (!request) throw notFound('not_found', 'No such access request.')
  const role = await deciderRole(deps.db, actor, request)
  if (!role) throw forbidden('forbidden', 'You may not decide this request.')
  const granted = input.decision === 'approve' ? [...new Set(input.rights ?? request.rights)] : []
  if (
    input.decision === 'approve' &&
    (granted.length === 0 || granted.some((right) => !request.rights.includes(right)))
  ) {
    throw unprocessable('invalid_rights', 'Approve some of the rights asked, and only those.')
  }
  const audit: AuditActor = { type: 'person', id: actor.accountId, requestId: requestIdHeader }
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const decided = await decidePendingRequest(trx, requestId, {
      status: input.decision === 'approve' ? 'approved' : 'rejected',
      granted_rights: granted,
      reason: input.reason ?? null,
      decided_by: actor.accountId,
      decided_at: now,
    })
    if (!decided) throw conflict('already_decided', 'This request has already been decided.')
    const account = await accountById(trx, request.account_id)
    if (!account) throw notFound('not_found', 'No such account.')
    if (granted.length > 0)
      await grantRights(
        deps,
        trx,
        request.account_id,
        request.structure_id,
        granted,
        actor.accountId,
        account.status === 'active',
      )
    // The approver has spoken: the registration goes on to the support desk, with or without rights.
    if (account.status === 'pending_approval') await awaitValidation(deps, trx, account)
    await notifyDecision(deps, trx, decided, role)
    await recordAudit(trx, deps.clock, audit, {
      action: `access.${decided.status}`,
      subjectType: 'access_request',
      subjectId: requestId,
      reason: input.reason ?? null,
      details: { granted, as: role, accountId: request.account_id, structureId: request.structure_id },
    })
    return decided
  })
}

/** Grants rights (those not already held); tells the labs when they take effect now. */
export async function grantRights(
  deps: Deps,
  trx: Executor,
  accountId: string,
  structureId: string,
  rights: RightName[],
  by: string,
  effective: boolean,
) {
  for (const name of rights) {
    const inserted = await grantRight(trx, {
      account_id: accountId,
      structure_id: structureId,
      name,
      granted_at: deps.clock.now(),
      granted_by: by,
    })
    if (inserted && effective)
      await deps.labEvents.emit(trx, { type: 'right.granted', accountId, structureId, right: name })
  }
}

async function notifyDecision(
  deps: Deps,
  trx: Executor,
  request: {
    id: string
    account_id: string
    approver_id: string
    status: string
    granted_rights: RightName[] | null
    reason: string | null
  },
  role: string,
) {
  const requester = await notificationTarget(trx, request.account_id)
  const data = {
    requestId: request.id,
    approved: request.status === 'approved',
    rights: request.granted_rights ?? [],
    reason: request.reason ?? undefined,
  }
  await deps.outbox.enqueue(trx, {
    to: requester.address,
    template: 'access.request_decided',
    locale: requester.locale,
    data: { firstName: requester.first_name, ...data },
  })
  if (role === 'delegate') {
    // The professional keeps the responsibility: they are told what their delegate decided.
    const professional = await notificationTarget(trx, request.approver_id)
    await deps.outbox.enqueue(trx, {
      to: professional.address,
      template: 'access.delegate_decided',
      locale: professional.locale,
      data: { firstName: professional.first_name, ...data },
    })
  }
}
