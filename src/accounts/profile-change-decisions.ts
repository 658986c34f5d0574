import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Deps } from '../deps.ts'
import { conflict, notFound } from '../shared/errors.ts'
import { notificationTarget } from './repository.ts'
import { profileChangeById } from './support-queries.ts'

/** The account columns a request's `changes` (keyed as the API names the fields) set once approved. */
const identityColumns = (changes: Record<string, string>, now: Date) => ({
  ...(changes.civility !== undefined && { civility: changes.civility as 'M' | 'MME' }),
  ...(changes.firstName !== undefined && { first_name: changes.firstName }),
  ...(changes.lastName !== undefined && { last_name: changes.lastName }),
  // The Pro Santé Connect identity linked, and verified, was the former RPPS's; nor may a PSC sign-in
  // link the new RPPS's identity on its own: its owner links it from their account.
  ...(changes.rpps !== undefined && {
    rpps: changes.rpps,
    psc_national_id: null,
    psc_linked_at: null,
    psc_unlinked_at: now,
    identity_verified_by: null,
    identity_verified_at: null,
  }),
})

/**
 * The desk's decision on a pending identity change: approved, the requested values replace the
 * account's; rejected, the account keeps its values. One conditional UPDATE, so a request is decided
 * once; the person is mailed the outcome.
 */
export async function decideProfileChange(
  deps: Deps,
  actor: AuditActor,
  requestId: string,
  input: { decision: 'approve' | 'reject'; reason?: string | undefined },
) {
  const approved = input.decision === 'approve'
  const reason = input.reason ?? null
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now()
      const request = await trx
        .updateTable('profile_change_requests')
        .set({ status: approved ? 'approved' : 'rejected', reason, decided_by: actor.id, decided_at: now })
        .where('id', '=', requestId)
        .where('status', '=', 'pending')
        .returning(['id', 'account_id', 'changes'])
        .executeTakeFirst()
      if (!request) {
        const current = await trx
          .selectFrom('profile_change_requests')
          .select('status')
          .where('id', '=', requestId)
          .executeTakeFirst()
        if (!current) throw notFound('not_found', 'No such profile change request.')
        throw conflict('invalid_status', `This request is already ${current.status}.`)
      }
      if (approved)
        await trx
          .updateTable('accounts')
          .set({ ...identityColumns(request.changes, now), updated_at: now })
          .where('id', '=', request.account_id)
          .execute()
      const target = await notificationTarget(trx, request.account_id)
      await deps.outbox.enqueue(trx, {
        to: target.address,
        template: 'account.profile_change_decided',
        locale: target.locale,
        data: { firstName: target.first_name, approved, ...(reason && { reason }) },
      })
      await recordAudit(trx, deps.clock, actor, {
        action: approved ? 'account.profile_change_approved' : 'account.profile_change_rejected',
        subjectType: 'account',
        subjectId: request.account_id,
        reason,
        details: { requestId: request.id, fields: Object.keys(request.changes) },
      })
      return profileChangeById(trx, request.id)
    })
  } catch (error) {
    if (isUniqueViolation(error, 'accounts_rpps'))
      throw conflict('rpps_taken', 'Another account carries this RPPS number: the change cannot apply.')
    throw error
  }
}
