import { sql } from 'kysely'
import { accountSummaries } from '../accounts/fragments.ts'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { fixedReadInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { jsonList } from '../db/json.ts'
import type { Executor, RightName } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { accessRequests, rightGrants } from '../memberships/fragments.ts'
import { revokeHeldRight } from '../memberships/rights.ts'
import { forbidden, notFound } from '../shared/errors.ts'
import { structureSummaries } from '../structures/fragments.ts'
import { structureName as structureNameOf } from '../structures/repository.ts'
import { type Actor, approverStructures, mayRevoke } from './policy.ts'

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
  requests: (PersonAtStructure & { request_id: string; rights: RightName[]; created_at: string })[]
}

/**
 * SQL: whether the account approves anywhere, and the rights held (by name) and the requests waiting
 * (oldest first) in the structures where it does, as one JSON object (`CollaboratorRows`).
 */
export const collaboratorsJson = (db: Executor, professionalId: string) => {
  const structures = approverStructures(professionalId)
  const rights = db
    .selectFrom(rightGrants.as('r'))
    .innerJoin(accountSummaries.as('a'), 'a.id', 'r.account_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'r.structure_id')
    .select([...PERSON_AT_STRUCTURE, 'r.name'])
    .where(sql<boolean>`r.structure_id in ${structures}`)
    .where('r.revoked_at', 'is', null)
    .where('r.account_id', '!=', professionalId)
    .where('a.profile', '!=', 'health_professional')
  const requests = db
    .selectFrom(accessRequests.as('q'))
    .innerJoin(accountSummaries.as('a'), 'a.id', 'q.account_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'q.structure_id')
    .select([...PERSON_AT_STRUCTURE, 'q.id as request_id', 'q.rights', 'q.created_at'])
    .where(sql<boolean>`q.structure_id in ${structures}`)
    .where('q.status', '=', 'pending')
  return sql<CollaboratorRows>`select json_build_object(
    'allowed', exists ${structures},
    'rights', ${jsonList(sql`select json_agg(x order by x.name) from (${rights}) x`)},
    'requests', ${jsonList(sql`select json_agg(x order by x.created_at) from (${requests}) x`)})`
}

/**
 * `GET /v1/me/collaborators`' one statement, the session check included, as PostgreSQL gives it (the
 * bench's baseline runs it too): null once the session has ended.
 */
export const readCollaboratorsInSession = fixedReadInSession(collaboratorsJson)

/** `GET /v1/me/collaborators` in one statement, the session check included: null once it has ended. */
export async function listCollaboratorsInSession(db: Executor, clock: Clock, session: SessionRef) {
  const found = await readCollaboratorsInSession(db, clock, session)
  return found && collaboratorsView(found.body)
}

// Collaborators by name, then structure: the order people are looked for in.
const byName = new Intl.Collator('fr', { sensitivity: 'base' })

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
  return [...entries.values()].sort(
    (a, b) =>
      byName.compare(a.account.lastName, b.account.lastName) ||
      byName.compare(a.account.firstName, b.account.firstName) ||
      byName.compare(a.structureName, b.structureName) ||
      a.account.id.localeCompare(b.account.id) ||
      a.structureId.localeCompare(b.structureId),
  )
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
    const revoked = await revokeHeldRight(
      trx,
      { accountId: holderId, structureId, name: right },
      actor.accountId,
      deps.clock.now(),
    )
    if (!revoked) throw notFound('not_found', 'This person does not hold this right here.')
    await deps.labEvents.emit(trx, { type: 'right.revoked', accountId: holderId, structureId, right })
    const holder = await notificationTarget(trx, holderId)
    const structureName = await structureNameOf(trx, structureId)
    await deps.outbox.enqueue(trx, {
      to: holder.address,
      template: 'access.right_revoked',
      locale: holder.locale,
      data: { firstName: holder.first_name, right, structureName },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'access.right_revoked',
      subjectType: 'account',
      subjectId: holderId,
      details: { structureId, right },
    })
  })
}
