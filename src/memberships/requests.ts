import type { Insertable, Updateable } from 'kysely'
import type { AccessRequestsTable, Executor } from '../db/schema.ts'

// The writes of the access requests, and their plain reads. Reads that show a request with its requester
// or structure join `accessRequests` (fragments.ts) in the caller's statement instead.

/** Opens a request, answered whole. */
export const openAccessRequest = (trx: Executor, request: Insertable<AccessRequestsTable>) =>
  trx.insertInto('access_requests').values(request).returningAll().executeTakeFirstOrThrow()

/** One request, whole. */
export const accessRequestById = (db: Executor, requestId: string) =>
  db.selectFrom('access_requests').selectAll().where('id', '=', requestId).executeTakeFirst()

/** Whether a request of the account waits at the structure. */
export const hasPendingRequestAt = async (db: Executor, accountId: string, structureId: string) =>
  (await db
    .selectFrom('access_requests')
    .select('id')
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('status', '=', 'pending')
    .executeTakeFirst()) !== undefined

/** A person's own requests, newest first, the last 100. */
export const recentAccessRequestsOf = (db: Executor, accountId: string) =>
  db
    .selectFrom('access_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute()

/** Every request of an account, newest first, as the support desk reviews it. */
export const everyAccessRequestOf = (db: Executor, accountId: string) =>
  db
    .selectFrom('access_requests')
    .select(['id', 'structure_id', 'rights', 'status', 'approver_id'])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute()

/**
 * Records a decision on a request still pending, with one conditional statement: answers the request as
 * decided, or nothing when another decision came first.
 */
export const decidePendingRequest = (
  trx: Executor,
  requestId: string,
  decision: Pick<
    Updateable<AccessRequestsTable>,
    'status' | 'granted_rights' | 'reason' | 'decided_by' | 'decided_at'
  >,
) =>
  trx
    .updateTable('access_requests')
    .set(decision)
    .where('id', '=', requestId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()

/** Cancels the account's requests waiting at a structure (its place there removed): answers how many. */
export async function cancelPendingRequestsAt(
  trx: Executor,
  accountId: string,
  structureId: string,
  at: Date,
  reason: string,
) {
  const cancelled = await trx
    .updateTable('access_requests')
    .set({ status: 'cancelled', decided_at: at, reason })
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('status', '=', 'pending')
    .returning('id')
    .execute()
  return cancelled.length
}
