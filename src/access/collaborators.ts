import { sql } from 'kysely'
import { accountSummaries } from '../accounts/fragments.ts'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { readInSession, type SessionRef } from '../auth/sessions.ts'
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

/** A collaborator at a structure, as `GET /v1/me/collaborators` lists them (the `Collaborator` schema). */
type CollaboratorEntry = {
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
type CollaboratorRows = { allowed: boolean; items: CollaboratorEntry[] }

/**
 * SQL: whether the account approves anywhere, and, in the structures where it does, each person
 * (a professional's own rights aside) with the rights they hold there and the request they wait on,
 * by name, as one JSON object (`CollaboratorRows`) in the API's own shape.
 */
export const collaboratorsJson = (db: Executor, professionalId: string) => {
  const structures = approverStructures(professionalId)
  const held = db
    .selectFrom(rightGrants.as('r'))
    .innerJoin(accountSummaries.as('a'), 'a.id', 'r.account_id')
    .select([
      'r.account_id',
      'r.structure_id',
      sql<RightName[]>`array_agg(r.name order by r.name)`.as('rights'),
    ])
    .where(sql<boolean>`r.structure_id in ${structures}`)
    .where('r.revoked_at', 'is', null)
    .where('r.account_id', '!=', professionalId)
    .where('a.profile', '!=', 'health_professional')
    .groupBy(['r.account_id', 'r.structure_id'])
  // One request per person and structure: the latest, should there be two.
  const asked = db
    .selectFrom(accessRequests.as('q'))
    .distinctOn(['q.account_id', 'q.structure_id'])
    .select(['q.account_id', 'q.structure_id', 'q.id', 'q.rights'])
    .where(sql<boolean>`q.structure_id in ${structures}`)
    .where('q.status', '=', 'pending')
    .orderBy('q.account_id')
    .orderBy('q.structure_id')
    .orderBy('q.created_at', 'desc')
  const entries = sql`
    select json_build_object(
      'account', json_build_object('id', a.id, 'civility', a.civility, 'firstName', a.first_name,
        'lastName', a.last_name, 'accountTitle', a.account_title, 'status', a.status),
      'structureId', s.id, 'structureName', s.name,
      'rights', coalesce(h.rights, '{}'),
      'pendingRequest', case when q.id is not null then json_build_object('id', q.id, 'rights', q.rights) end
    ) as entry, a.last_name, a.first_name, s.name, a.id, s.id as structure_id
    from (${held}) h
    full join (${asked}) q on q.account_id = h.account_id and q.structure_id = h.structure_id
    join ${accountSummaries} a on a.id = coalesce(h.account_id, q.account_id)
    join ${structureSummaries} s on s.id = coalesce(h.structure_id, q.structure_id)`
  return sql<CollaboratorRows>`select json_build_object(
    'allowed', exists ${structures},
    'items', ${jsonList(sql`select json_agg(x.entry order by x.last_name, x.first_name, x.name, x.id, x.structure_id)
      from (${entries}) x`)})`
}

/** `GET /v1/me/collaborators` in one statement, the session check included: null once it has ended. */
export async function listCollaboratorsInSession(db: Executor, clock: Clock, session: SessionRef) {
  const found = await readInSession(db, clock, session, collaboratorsJson(db, session.sub))
  return found && collaboratorsView(found.body)
}

function collaboratorsView({ allowed, items }: CollaboratorRows) {
  if (!allowed)
    throw forbidden(
      'forbidden',
      'Only the professionals of a structure and their delegates see its collaborators.',
    )
  return items
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
