import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { readInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { jsonList } from '../db/json.ts'
import type { AccessRequestsTable, DB, Executor, RightName } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { emitLabEvent } from '../lab-events/publish.ts'
import { forbidden, notFound } from '../shared/errors.ts'
import { decodeTimeCursor } from '../shared/pagination.ts'
import { type Actor, approverStructures, isSupport, mayRevoke, responsibleAt } from './policy.ts'

const PERSON_AT_STRUCTURE = [
  'a.id',
  'a.civility',
  'a.first_name',
  'a.last_name',
  'a.account_title',
  'a.status',
  's.id as structure_id',
  's.name as structure_name',
] as const

type PersonAtStructure = {
  id: string
  civility: string
  first_name: string
  last_name: string
  account_title: string | null
  status: string
  structure_id: string
  structure_name: string
}
type CollaboratorRows = {
  allowed: boolean
  rights: (PersonAtStructure & { name: RightName })[]
  requests: (PersonAtStructure & { request_id: string; rights: RightName[] })[]
}

/**
 * SQL: whether the account approves anywhere, and the rights held and the requests waiting in the
 * structures where it does, as one JSON object (`CollaboratorRows`).
 */
export const collaboratorsJson = (db: Executor, professionalId: string) => {
  const structures = approverStructures(professionalId)
  const rights = db
    .selectFrom('rights as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .innerJoin('structures as s', 's.id', 'r.structure_id')
    .select([...PERSON_AT_STRUCTURE, 'r.name'])
    .where(sql<boolean>`r.structure_id in ${structures}`)
    .where('r.revoked_at', 'is', null)
    .where('r.account_id', '!=', professionalId)
    .where('a.profile', '!=', 'health_professional')
  const requests = db
    .selectFrom('access_requests as q')
    .innerJoin('accounts as a', 'a.id', 'q.account_id')
    .innerJoin('structures as s', 's.id', 'q.structure_id')
    .select([...PERSON_AT_STRUCTURE, 'q.id as request_id', 'q.rights'])
    .where(sql<boolean>`q.structure_id in ${structures}`)
    .where('q.status', '=', 'pending')
  return sql<CollaboratorRows>`select json_build_object(
    'allowed', exists ${structures},
    'rights', ${jsonList(sql`select json_agg(x) from (${rights}) x`)},
    'requests', ${jsonList(sql`select json_agg(x) from (${requests}) x`)})`
}

/** `GET /v1/me/collaborators` in one statement, the session check included: null once it has ended. */
export async function listCollaboratorsInSession(db: Executor, clock: Clock, session: SessionRef) {
  const found = await readInSession(db, clock, session, collaboratorsJson(db, session.sub))
  return found && collaboratorsView(found.body)
}

function collaboratorsView({ allowed, rights, requests }: CollaboratorRows) {
  if (!allowed)
    throw forbidden(
      'forbidden',
      'Only the professionals of a structure and their delegates see its collaborators.',
    )
  const entries = new Map<
    string,
    {
      account: {
        id: string
        civility: string
        firstName: string
        lastName: string
        accountTitle: string | null
        status: string
      }
      structureId: string
      structureName: string
      rights: RightName[]
      pendingRequest: { id: string; rights: RightName[] } | null
    }
  >()
  const entry = (row: PersonAtStructure) => {
    const key = `${row.id}:${row.structure_id}`
    const found = entries.get(key) ?? {
      account: {
        id: row.id,
        civility: row.civility,
        firstName: row.first_name,
        lastName: row.last_name,
        accountTitle: row.account_title,
        status: row.status,
      },
      structureId: row.structure_id,
      structureName: row.structure_name,
      rights: [],
      pendingRequest: null,
    }
    entries.set(key, found)
    return found
  }
  for (const row of rights) entry(row).rights.push(row.name)
  for (const row of requests) entry(row).pendingRequest = { id: row.request_id, rights: row.rights }
  return [...entries.values()]
}

/** Withdraws a sensitive right at once; the collaborator and the labs are told. */
export async function revokeRight(
  deps: Deps,
  actor: Actor,
  audit: AuditActor,
  holderId: string,
  structureId: string,
  right: RightName,
) {
  const holder = await accountById(deps.db, holderId)
  if (!holder || !(await mayRevoke(deps.db, actor, holder, structureId)))
    throw forbidden(
      'forbidden',
      'Only a professional of this structure, their delegate or support may withdraw a collaborator’s right; never a professional’s own.',
    )
  await deps.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('rights')
      .set({ revoked_at: deps.clock.now(), revoked_by: actor.accountId })
      .where('account_id', '=', holderId)
      .where('structure_id', '=', structureId)
      .where('name', '=', right)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (!revoked) throw notFound('not_found', 'This person does not hold this right here.')
    await emitLabEvent(trx, deps.clock, { type: 'right.revoked', accountId: holderId, structureId, right })
    const holder = await notificationTarget(trx, holderId)
    const structure = await trx
      .selectFrom('structures')
      .select('name')
      .where('id', '=', structureId)
      .executeTakeFirstOrThrow()
    await deps.outbox.enqueue(trx, {
      to: holder.address,
      template: 'access.right_revoked',
      locale: holder.locale,
      data: { firstName: holder.first_name, right, structureName: structure.name },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'access.right_revoked',
      subjectType: 'account',
      subjectId: holderId,
      details: { structureId, right },
    })
  })
}

/**
 * The requests this person may decide: naming them at a structure where they are still responsible, or
 * naming a professional still responsible there who delegated to them for it; all for support. Newest first, keyset-paged (`after` from the last page).
 * Each scope (the person, each delegation) reads at most one page off the `access_requests_queue` index,
 * whatever the size of the table.
 */
export async function listApprovals(
  db: Executor,
  actor: Actor,
  status: 'pending' | 'approved' | 'rejected',
  limit: number,
  after: string | undefined,
) {
  return approvalsQuery(db, actor.accountId, isSupport(actor), status, limit, after).execute()
}

/** A row of `listApprovals`, as `listApprovalsInSession` reads it in JSON (the time as text). */
type ApprovalRow = Awaited<ReturnType<typeof listApprovals>>[number]

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
 * The requests of `listApprovals`. `support` is known (a boolean), or read by the statement itself (an
 * SQL condition): then both pages are written and the condition keeps one, the other never read.
 */
function approvalsQuery(
  db: Executor,
  accountId: string,
  support: boolean | RawBuilder<boolean>,
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
    .selectFrom('access_requests as r')
    .selectAll('r')
    .where(onPage)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
  const inScopes = db
    .with('scopes', (qc) =>
      qc
        // Each structure where the person is a responsible professional now…
        .selectFrom('practice_places as p')
        .innerJoin('accounts as a', 'a.id', 'p.account_id')
        .select(['p.account_id as approver_id', 'p.structure_id'])
        .where('p.account_id', '=', accountId)
        .where('p.status', '=', 'confirmed')
        .where('a.status', '=', 'active')
        .where('a.profile', '=', 'health_professional')
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
          .selectFrom('access_requests as r')
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
  const ids =
    typeof support === 'boolean'
      ? support
        ? everyRequest
        : inScopes
      : sql`(${everyRequest.where(support)}) union all (${inScopes.where(sql<boolean>`not (${support})`)})`
  const page = sql<Selectable<AccessRequestsTable>>`(${ids})`.as('q')
  return db
    .selectFrom(page)
    .innerJoin('accounts as a', 'a.id', 'q.account_id')
    .innerJoin('structures as s', 's.id', 'q.structure_id')
    .leftJoin('account_emails as e', (join) =>
      join.onRef('e.account_id', '=', 'a.id').on('e.is_login', '=', true),
    )
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
