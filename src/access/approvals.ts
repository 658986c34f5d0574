import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely'
import { accountSummaries, activeProfessionals, loginAddresses } from '../accounts/fragments.ts'
import { fixedReadInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { jsonList } from '../db/json.ts'
import type { AccessRequestsTable, DB, Executor } from '../db/schema.ts'
import { accessRequests, practicePlaces } from '../memberships/fragments.ts'
import { decodeTimeCursor, MAX_LIMIT } from '../shared/pagination.ts'
import { structureSummaries } from '../structures/fragments.ts'
import { responsibleAt } from './policy.ts'

/** A request of the approval queue, as `approvalsQuery` selects it. */
export type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalsQuery>['execute']>>[number]

type Status = 'pending' | 'approved' | 'rejected'
type Cursor = { at: Date; id: string }
type ApprovalsJson = (Omit<ApprovalRow, 'created_at'> & { created_at: string })[]

/**
 * `GET /v1/approvals` in one statement, the session check included: whether the person is of the support
 * desk is read from the checked session's roles. Null once the session has ended.
 */
export async function listApprovalsInSession(
  db: Executor,
  clock: Clock,
  session: SessionRef,
  status: Status,
  limit: number,
  after: string | undefined,
): Promise<ApprovalRow[] | null> {
  const found = await readApprovalsInSession(db, clock, session, status, limit, decodeTimeCursor(after))
  if (!found) return null
  return found.body.map((row) => ({ ...row, created_at: new Date(row.created_at) }))
}

/**
 * The JSON list of `listApprovalsInSession`, as PostgreSQL gives it (the bench's baseline runs it too).
 * Its statement is built and compiled once for each page size, and for the first pages and the next
 * (`fixedReadInSession`): the page size is written in the statement (see `approvalsQuery`).
 */
export function readApprovalsInSession(
  db: Executor,
  clock: Clock,
  session: SessionRef,
  status: Status,
  limit: number,
  cursor: Cursor | undefined,
) {
  // The route's page sizes: as many statements at most.
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new Error(`A page holds 1 to ${MAX_LIMIT} requests.`)
  let reads = readsOfPageSize.get(limit)
  if (!reads) {
    reads = approvalReads(limit)
    readsOfPageSize.set(limit, reads)
  }
  return cursor
    ? reads.next(db, clock, session, status, cursor.at, cursor.id)
    : reads.first(db, clock, session, status)
}

const readsOfPageSize = new Map<number, ReturnType<typeof approvalReads>>()

function approvalReads(limit: number) {
  const support = sql<boolean>`'support' = any(session.roles)`
  const json = (query: ReturnType<typeof approvalsQuery>) =>
    jsonList(
      sql`select json_agg(q order by q.created_at desc, q.id desc) from (${query}) q`,
    ) as RawBuilder<ApprovalsJson>
  return {
    first: fixedReadInSession((db, accountId, status: Status) =>
      json(approvalsQuery(db, accountId, support, status, limit, undefined)),
    ),
    next: fixedReadInSession((db, accountId, status: Status, at: Date, id: string) =>
      json(approvalsQuery(db, accountId, support, status, limit, { at, id })),
    ),
  }
}

/**
 * The requests this person may decide: naming them at a structure where they are still responsible, or
 * naming a professional still responsible there who delegated to them for it; all for support. Newest
 * first, keyset-paged (`cursor`, from the last page). Each scope (the person, each delegation) reads at most
 * one page off the `access_requests_queue` index, whatever the size of the table. Whether the person is of
 * the support desk is read by the statement itself (`support`, an SQL condition): both pages are written
 * and the condition keeps one, the other never read.
 */
function approvalsQuery(
  db: Executor,
  accountId: string,
  support: RawBuilder<boolean>,
  status: Status,
  limit: number,
  cursor: Cursor | undefined,
) {
  // Written in the statement, not sent as a value: planned for a page of unknown size (the generic plan,
  // for any values), the statement would read whole tables into hash joins, so PostgreSQL plans it anew
  // on every request (2 ms, twice its run). With the size written in, the generic plan reads a page off
  // the indexes (the plans test holds it to that), and PostgreSQL keeps it from its sixth run on a
  // connection (measured on the bench's database): one statement per page size and shape.
  const pageSize = sql.lit(limit + 1)
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
    .limit(pageSize)
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
          .limit(pageSize)
          .as('hit'),
      (join) => join.onTrue(),
    )
    .selectAll('hit')
    .orderBy('hit.created_at', 'desc')
    .orderBy('hit.id', 'desc')
    .limit(pageSize)
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
