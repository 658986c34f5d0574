import { sql } from 'kysely'
import type { AccountStatus, Executor } from '../db/schema.ts'
import { everyAccessRequestOf } from '../memberships/requests.ts'
import { afterKey, decodeCursor, decodeTimeCursor, pageOf } from '../shared/pagination.ts'
import { matchesWords, queryWords } from '../shared/word-search.ts'
import { loadMe } from './me.ts'

type ChangeStatus = 'pending' | 'approved' | 'rejected'

const contains = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

/**
 * Accounts, newest first; `q` matches names (every word the beginning of a word of the first or last
 * name, in any order, case and accents aside), a part of the login address, or the RPPS.
 */
export async function listAccounts(
  db: Executor,
  options: { status?: AccountStatus | undefined; q?: string | undefined; cursor?: string; limit: number },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = db
    .selectFrom('accounts as a')
    .leftJoin('account_emails as e', (join) =>
      join.onRef('e.account_id', '=', 'a.id').on('e.is_login', '=', true),
    )
    .select([
      'a.id',
      'a.status',
      'a.profile',
      'a.civility',
      'a.first_name',
      'a.last_name',
      'a.rpps',
      'a.identity_verified_by',
      'a.created_at',
      'e.address',
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(options.limit + 1)
  if (options.status) query = query.where('a.status', '=', options.status)
  const q = options.q?.trim()
  if (q) {
    const words = queryWords(q)
    query = query.where((eb) =>
      eb.or([
        // The expression of the `accounts_words` index.
        ...(words.length > 0
          ? [matchesWords(sql`search_words(a.first_name || ' ' || a.last_name)`, words)]
          : []),
        eb('e.address_key', 'like', contains(q.toLowerCase())),
        eb('a.rpps', '=', q),
      ]),
    )
  }
  if (after) query = query.where(afterKey(['a.created_at', 'a.id'], [after.at, after.id], 'desc'))
  const page = pageOf(await query.execute(), options.limit, (row) => [row.created_at.toISOString(), row.id])
  return {
    items: page.items.map((row) => ({
      id: row.id,
      status: row.status,
      profile: row.profile,
      civility: row.civility,
      firstName: row.first_name,
      lastName: row.last_name,
      rpps: row.rpps,
      loginEmail: row.address,
      identityVerifiedBy: row.identity_verified_by,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: page.nextCursor,
  }
}

/** An account as its owner sees it, plus why it is in its status and its requests for sensitive rights. */
export async function accountForSupport(db: Executor, accountId: string) {
  const me = await loadMe(db, accountId)
  const [account, requests] = await Promise.all([
    db.selectFrom('accounts').select('status_reason').where('id', '=', accountId).executeTakeFirstOrThrow(),
    everyAccessRequestOf(db, accountId),
  ])
  return {
    ...me,
    statusReason: account.status_reason,
    accessRequests: requests.map((request) => ({
      id: request.id,
      structureId: request.structure_id,
      rights: request.rights,
      status: request.status,
      approverId: request.approver_id,
    })),
  }
}

const profileChanges = (db: Executor) =>
  db
    .selectFrom('profile_change_requests as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select([
      'r.id',
      'r.account_id',
      'a.first_name',
      'a.last_name',
      'r.changes',
      'r.status',
      'r.created_at',
      'r.reason',
      'r.decided_at',
    ])

type ProfileChangeRow = Awaited<ReturnType<ReturnType<typeof profileChanges>['executeTakeFirstOrThrow']>>

const profileChangeView = (row: ProfileChangeRow) => ({
  id: row.id,
  accountId: row.account_id,
  firstName: row.first_name,
  lastName: row.last_name,
  changes: row.changes,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  reason: row.reason,
  decidedAt: row.decided_at?.toISOString() ?? null,
})

export const profileChangeById = async (db: Executor, id: string) =>
  profileChangeView(await profileChanges(db).where('r.id', '=', id).executeTakeFirstOrThrow())

/** Profile change requests in one status, oldest first: the desk works through them as a queue. */
export async function listProfileChanges(
  db: Executor,
  options: { status: ChangeStatus; cursor?: string; limit: number },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = profileChanges(db)
    .where('r.status', '=', options.status)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(options.limit + 1)
  if (after) query = query.where(afterKey(['r.created_at', 'r.id'], [after.at, after.id]))
  const page = pageOf(await query.execute(), options.limit, (row) => [row.created_at.toISOString(), row.id])
  return { items: page.items.map(profileChangeView), nextCursor: page.nextCursor }
}

/** The audit trail, newest first; `accountId` keeps what was done to that account. */
export async function listAuditEvents(
  db: Executor,
  options: { accountId?: string | undefined; actorId?: string | undefined; cursor?: string; limit: number },
) {
  const after = decodeCursor(options.cursor, ['integer'])
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
  if (options.accountId) query = query.where('subject_id', '=', options.accountId)
  if (options.actorId) query = query.where('actor_id', '=', options.actorId)
  if (after) query = query.where(afterKey(['id'], after, 'desc'))
  const page = pageOf(await query.execute(), options.limit, (row) => [row.id])
  return {
    items: page.items.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at.toISOString(),
      actorType: row.actor_type,
      actorId: row.actor_id,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      reason: row.reason,
      requestId: row.request_id,
      details: row.details,
    })),
    nextCursor: page.nextCursor,
  }
}
