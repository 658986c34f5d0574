import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely'
import { accountSummaries, activeProfessionals, loginAddresses } from '../accounts/fragments.ts'
import { readInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { jsonList } from '../db/json.ts'
import type { AccessRequestsTable, DB, Executor } from '../db/schema.ts'
import { accessRequests, practicePlaces } from '../memberships/fragments.ts'
import { decodeTimeCursor } from '../shared/pagination.ts'
import { structureSummaries } from '../structures/fragments.ts'
import { responsibleAt } from './policy.ts'

/** A request of the approval queue, as `approvalsQuery` selects it. */
export type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalsQuery>['execute']>>[number]

/**
 * `GET /v1/approvals` in one statement, the session check included: whether the person is of the support
 * desk is read from the checked session's roles. Null once the session has ended.
 */
export async function listApprovalsInSession(
  db: Executor,
  clock: Clock,
  session: SessionRef,
  status: 'pending' | 'approved' | 'rejected',
  limit: number,
  after: string | undefined,
): Promise<ApprovalRow[] | null> {
  const found = await readInSession(
    db,
    clock,
    session,
    approvalsInSession(db, session.sub, status, limit, after),
  )
  if (!found) return null
  return found.body.map((row) => ({ ...row, created_at: new Date(row.created_at) }))
}

/** SQL: the JSON list of `listApprovalsInSession` (the bench's baseline runs it too). */
export const approvalsInSession = (
  db: Executor,
  accountId: string,
  status: 'pending' | 'approved' | 'rejected',
  limit: number,
  after: string | undefined,
) =>
  jsonList(
    sql`select json_agg(q order by q.created_at desc, q.id desc) from (${approvalsQuery(db, accountId, sql<boolean>`'support' = any(session.roles)`, status, limit, after)}) q`,
  ) as RawBuilder<(Omit<ApprovalRow, 'created_at'> & { created_at: string })[]>

/**
 * The requests this person may decide: naming them at a structure where they are still responsible, or
 * naming a professional still responsible there who delegated to them for it; all for support. Newest
 * first, keyset-paged (`after` from the last page). Each scope (the person, each delegation) reads at most
 * one page off the `access_requests_queue` index, whatever the size of the table. Whether the person is of
 * the support desk is read by the statement itself (`support`, an SQL condition): both pages are written
 * and the condition keeps one, the other never read.
 */
function approvalsQuery(
  db: Executor,
  accountId: string,
  support: RawBuilder<boolean>,
  status: 'pending' | 'approved' | 'rejected',
  limit: number,
  after: string | undefined,
) {
  const cursor = decodeTimeCursor(after)
  // The requests of the status, not the person's own, older than the cursor.
  const onPage = (eb: ExpressionBuilder<DB & { r: AccessRequestsTable }, 'r'>) =>
    eb.and([
      eb('r.status', '=', status),
      eb('r.account_id', '!=', accountId),
      ...(cursor ? [eb(eb.refTuple('r.created_at', 'r.id'), '<', eb.tuple(cursor.at, cursor.id))] : []),
    ])
  const everyRequest = db
    .selectFrom(accessRequests.as('r'))
    .selectAll('r')
    .where(onPage)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
  const inScopes = db
    .with('scopes', (qc) =>
      qc
        // Each structure where the person is a responsible professional now…
        .selectFrom(practicePlaces.as('p'))
        .innerJoin(activeProfessionals.as('a'), 'a.id', 'p.account_id')
        .select(['p.account_id as approver_id', 'p.structure_id'])
        .where('p.account_id', '=', accountId)
        .where('p.status', '=', 'confirmed')
        // …and each delegation from a professional still responsible at its structure.
        .unionAll(
          qc
            .selectFrom('delegations as d')
            .select(['d.professional_id as approver_id', 'd.structure_id'])
            .where('d.delegate_id', '=', accountId)
            .where('d.revoked_at', 'is', null)
            .where(responsibleAt(sql.ref('d.professional_id'), sql.ref('d.structure_id'))),
        ),
    )
    .selectFrom('scopes')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom(accessRequests.as('r'))
          .selectAll('r')
          .whereRef('r.approver_id', '=', 'scopes.approver_id')
          .whereRef('r.structure_id', '=', 'scopes.structure_id')
          .where(onPage)
          .orderBy('r.created_at', 'desc')
          .orderBy('r.id', 'desc')
          .limit(limit + 1)
          .as('hit'),
      (join) => join.onTrue(),
    )
    .selectAll('hit')
    .orderBy('hit.created_at', 'desc')
    .orderBy('hit.id', 'desc')
    .limit(limit + 1)
  // The two pages differ in type only by the CTE: one row shape for the joins below.
  const ids = sql`(${everyRequest.where(support)}) union all (${inScopes.where(sql<boolean>`not (${support})`)})`
  const page = sql<Selectable<AccessRequestsTable>>`(${ids})`.as('q')
  return db
    .selectFrom(page)
    .innerJoin(accountSummaries.as('a'), 'a.id', 'q.account_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'q.structure_id')
    .leftJoin(loginAddresses.as('e'), 'e.account_id', 'a.id')
    .select([
      'q.id',
      'q.rights',
      'q.comment',
      'q.status',
      'q.at_registration',
      'q.approver_id',
      'q.created_at',
      'q.granted_rights',
      'a.id as account_id',
      'a.civility',
      'a.first_name',
      'a.last_name',
      'a.account_title',
      'a.profile',
      'e.address',
      's.id as structure_id',
      's.name as structure_name',
    ])
    .orderBy('q.created_at', 'desc')
    .orderBy('q.id', 'desc')
}
