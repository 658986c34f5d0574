import { sql } from 'kysely'
import { accountSummaries, loginAddresses } from '../accounts/fragments.ts'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor, RightName } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { emitLabEvent } from '../lab-events/publish.ts'
import { labCenters } from '../labs/fragments.ts'
import { badRequest, conflict, forbidden, notFound } from '../shared/errors.ts'
import { decodeTimeCursor } from '../shared/pagination.ts'
import { structureSummaries } from '../structures/fragments.ts'
import { structureName } from '../structures/repository.ts'
import {
  type Actor,
  delegatedStructures,
  placeDeciderRole,
  responsibleStructures,
  staffed,
} from './policy.ts'

/**
 * Memberships: a practice place asked after registration waits until a responsible professional of the
 * structure (or their delegate) confirms it, or the support desk when the structure has none. Only
 * confirmed places count anywhere.
 */

/**
 * The places waiting for this person's decision (at the structures where they approve), or, for the
 * support desk, those at structures with nobody to ask. Oldest first, keyset-paged.
 */
export async function listPendingPlaces(
  db: Executor,
  actor: Actor,
  scope: 'approver' | 'support',
  limit: number,
  after: string | undefined,
) {
  const cursor = decodeTimeCursor(after)
  let query = db
    .selectFrom('practice_places as p')
    .innerJoin(accountSummaries.as('a'), 'a.id', 'p.account_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'p.structure_id')
    .leftJoin(labCenters.as('c'), 'c.id', 'p.lab_center_id')
    .leftJoin(loginAddresses.as('e'), 'e.account_id', 'a.id')
    .select([
      'p.id',
      'p.created_at',
      'a.id as account_id',
      'a.civility',
      'a.first_name',
      'a.last_name',
      'a.profile',
      'a.rpps',
      'a.account_title',
      'e.address',
      's.id as structure_id',
      's.name as structure_name',
      's.city',
      's.finess',
      's.siret',
      'c.id as center_id',
      'c.name as center_name',
    ])
    .where('p.status', '=', 'pending')
    .where('a.status', '=', 'active')
    .where('p.account_id', '!=', actor.accountId)
  query =
    scope === 'support'
      ? query.where(sql<boolean>`not ${staffed(sql.ref('p.structure_id'))}`)
      : // A delegate decides the places of collaborators and staff, not of other professionals.
        query.where(
          sql<boolean>`(p.structure_id in ${responsibleStructures(actor.accountId)}
            or (a.profile <> 'health_professional' and p.structure_id in ${delegatedStructures(actor.accountId)}))`,
        )
  if (cursor) {
    query = query.where((eb) => eb(eb.refTuple('p.created_at', 'p.id'), '>', eb.tuple(cursor.at, cursor.id)))
  }
  return query
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(limit + 1)
    .execute()
}

export interface PlaceDecision {
  decision: 'confirm' | 'reject'
  reason?: string | undefined
}

/** The place to decide and the decider's role; refused to whoever may not decide it. */
async function placeToDecide(db: Executor, actor: Actor, placeId: string) {
  const row = await db
    .selectFrom('practice_places')
    .select(['id', 'account_id', 'structure_id', 'is_primary'])
    .where('id', '=', placeId)
    .executeTakeFirst()
  const account = row && (await accountById(db, row.account_id))
  if (!row || !account) throw notFound('not_found', 'No such practice place.')
  const place = { ...row, account_status: account.status, profile: account.profile }
  const role = await placeDeciderRole(db, actor, place)
  if (!role)
    throw forbidden(
      'forbidden',
      'Only a professional of this structure or their delegate may decide (the support desk when it has none).',
    )
  if (place.account_status !== 'active')
    throw conflict(
      'account_not_active',
      'The places of an account not yet active are decided with its validation.',
    )
  return { place, role }
}

/** Records the decision with one conditional statement: a pending place is confirmed, or removed. */
async function recordPlaceDecision(
  trx: Executor,
  actor: Actor,
  now: Date,
  placeId: string,
  confirm: boolean,
) {
  const decided = confirm
    ? await trx
        .updateTable('practice_places')
        .set({ status: 'confirmed', confirmed_by: actor.accountId, confirmed_at: now })
        .where('id', '=', placeId)
        .where('status', '=', 'pending')
        .returning('id')
        .executeTakeFirst()
    : await trx
        .deleteFrom('practice_places')
        .where('id', '=', placeId)
        .where('status', '=', 'pending')
        .returning('id')
        .executeTakeFirst()
  if (!decided) throw conflict('already_decided', 'This place has already been decided.')
}

/** The person is mailed the outcome, with the reason of a rejection. */
async function tellPlaceDecision(
  deps: Deps,
  trx: Executor,
  place: { account_id: string; structure_id: string },
  confirmed: boolean,
  reason: string | null,
) {
  const [person, name] = await Promise.all([
    notificationTarget(trx, place.account_id),
    structureName(trx, place.structure_id),
  ])
  await deps.outbox.enqueue(trx, {
    to: person.address,
    locale: person.locale,
    template: 'access.place_decided',
    data: {
      firstName: person.first_name,
      confirmed,
      structureName: name,
      ...(reason && { reason }),
    },
  })
}

/**
 * Confirms or rejects a pending place, once: a conditional update, so two deciders at once cannot both
 * decide. Confirmed, the place counts from now on and the labs are told; rejected, it is removed. The
 * person is mailed the outcome either way.
 */
export async function decidePlace(
  deps: Deps,
  actor: Actor,
  audit: AuditActor,
  placeId: string,
  input: PlaceDecision,
) {
  const reason = input.reason?.trim() || null
  if (input.decision === 'reject' && !reason)
    throw badRequest('reason_required', 'Say why the place is rejected: the person is mailed the reason.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  const { place, role } = await placeToDecide(deps.db, actor, placeId)
  const confirm = input.decision === 'confirm'
  return deps.db.transaction().execute(async (trx) => {
    await recordPlaceDecision(trx, actor, deps.clock.now(), placeId, confirm)
    if (!confirm && place.is_primary) {
      // The primary flag goes back to the oldest confirmed place.
      await sql`update practice_places set is_primary = true where id = (
        select id from practice_places where account_id = ${place.account_id}
        order by status = 'confirmed' desc, created_at, id limit 1)`.execute(trx)
    }
    if (confirm)
      await emitLabEvent(trx, deps.clock, {
        type: 'practice_place.added',
        accountId: place.account_id,
        structureId: place.structure_id,
      })
    await tellPlaceDecision(deps, trx, place, confirm, reason)
    await recordAudit(trx, deps.clock, audit, {
      action: confirm ? 'access.place_confirmed' : 'access.place_rejected',
      subjectType: 'practice_place',
      subjectId: placeId,
      reason,
      details: { accountId: place.account_id, structureId: place.structure_id, as: role },
    })
    return { id: placeId, status: confirm ? ('confirmed' as const) : ('rejected' as const) }
  })
}

/**
 * What a person leaves at a structure with their place, in the caller's transaction: their rights there
 * (the labs are told), their pending requests there, and the delegations they gave for it.
 */
export async function withdrawMembership(
  deps: Deps,
  trx: Executor,
  actor: AuditActor,
  accountId: string,
  structureId: string,
) {
  const now = deps.clock.now()
  const revoked = await trx
    .updateTable('rights')
    .set({ revoked_at: now, revoked_by: actor.id })
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('revoked_at', 'is', null)
    .returning('name')
    .execute()
  for (const { name } of revoked)
    await emitLabEvent(trx, deps.clock, { type: 'right.revoked', accountId, structureId, right: name })
  const cancelled = await trx
    .updateTable('access_requests')
    .set({ status: 'cancelled', decided_at: now, reason: 'practice place removed' })
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('status', '=', 'pending')
    .returning('id')
    .execute()
  const delegations = await trx
    .updateTable('delegations')
    .set({ revoked_at: now, revoked_by: actor.id })
    .where('professional_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute()
  if (revoked.length + cancelled.length + delegations.length > 0)
    await recordAudit(trx, deps.clock, actor, {
      action: 'access.membership_withdrawn',
      subjectType: 'account',
      subjectId: accountId,
      details: {
        structureId,
        rightsRevoked: revoked.map((row): RightName => row.name),
        requestsCancelled: cancelled.length,
        delegationsRevoked: delegations.length,
      },
    })
}
