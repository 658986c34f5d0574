import { sql } from 'kysely'
import { accountSummaries, loginAddresses } from '../accounts/fragments.ts'
import { accountById, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { labCenters } from '../labs/fragments.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { confirmPendingPlace, placeById, removePendingPlace, restorePrimary } from '../memberships/places.ts'
import { cancelPendingRequestsAt } from '../memberships/requests.ts'
import { revokeRightsAt } from '../memberships/rights.ts'
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
    .selectFrom(practicePlaces.as('p'))
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
  const row = await placeById(db, placeId)
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
    // One conditional statement, so that two deciders at once cannot both decide.
    const decided = confirm
      ? await confirmPendingPlace(trx, placeId, actor.accountId, deps.clock.now())
      : await removePendingPlace(trx, placeId)
    if (!decided) throw conflict('already_decided', 'This place has already been decided.')
    // The primary flag goes back to the oldest confirmed place.
    if (!confirm && place.is_primary) await restorePrimary(trx, place.account_id)
    if (confirm)
      await deps.labEvents.emit(trx, {
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
  const revoked = await revokeRightsAt(trx, accountId, structureId, actor.id, now)
  for (const name of revoked)
    await deps.labEvents.emit(trx, { type: 'right.revoked', accountId, structureId, right: name })
  const cancelled = await cancelPendingRequestsAt(trx, accountId, structureId, now, 'practice place removed')
  const delegations = await trx
    .updateTable('delegations')
    .set({ revoked_at: now, revoked_by: actor.id })
    .where('professional_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute()
  if (revoked.length + cancelled + delegations.length > 0)
    await recordAudit(trx, deps.clock, actor, {
      action: 'access.membership_withdrawn',
      subjectType: 'account',
      subjectId: accountId,
      details: {
        structureId,
        rightsRevoked: revoked,
        requestsCancelled: cancelled,
        delegationsRevoked: delegations.length,
      },
    })
}
