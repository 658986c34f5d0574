import { lockAccount } from '../accounts/addresses.ts'
import { listPlaces } from '../accounts/places.ts'
import { accountName } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { labCenters } from '../labs/fragments.ts'
import { labCenterById } from '../labs/repository.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { deletePlace, hasPrimaryPlace, insertPlace, makePrimary, placesOf } from '../memberships/places.ts'
import { conflict, notFound, unprocessable } from '../shared/errors.ts'
import { structureById, structureName } from '../structures/repository.ts'
import { withdrawMembership } from './memberships.ts'
import { professionalTargetsAt } from './policy.ts'

/**
 * A person's own practice places, asked and removed: a place asked waits for the structure's decision
 * (memberships.ts); a place removed takes with it what the person held there.
 */

/** Tells who decides that a place awaits them: the structure's professionals, else the support desk. */
export async function announcePlaceRequest(
  deps: Deps,
  trx: Executor,
  place: { id: string; accountId: string; structureId: string },
) {
  const [requester, name, deciders] = await Promise.all([
    accountName(trx, place.accountId),
    structureName(trx, place.structureId),
    professionalTargetsAt(trx, place.structureId, place.accountId),
  ])
  const data = { placeId: place.id, requester, structureName: name }
  const recipients =
    deciders.length > 0
      ? deciders.map((row) => ({ to: row.address, locale: row.locale, firstName: row.first_name }))
      : [{ to: deps.config.SUPPORT_EMAIL, locale: undefined, firstName: undefined }]
  for (const recipient of recipients) {
    await deps.outbox.enqueue(trx, {
      to: recipient.to,
      ...(recipient.locale && { locale: recipient.locale }),
      template: 'access.place_requested',
      data: { ...data, ...(recipient.firstName && { firstName: recipient.firstName }) },
    })
  }
}

/**
 * Asks for a practice place at a known structure, served by a known lab centre; one place per structure.
 * The place is pending until a professional of the structure (or support) confirms it: until then it
 * counts nowhere, and the labs are told only at confirmation.
 */
export async function addPlace(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  input: { structureId: string; labCenterId: string; primary?: boolean | undefined },
) {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await lockAccount(trx, accountId)
      const [structure, center] = [
        await structureById(trx, input.structureId),
        await labCenterById(trx, input.labCenterId),
      ]
      const problems = [
        ...(structure ? [] : [{ in: 'body', field: 'structureId', message: 'is not a known structure' }]),
        ...(center ? [] : [{ in: 'body', field: 'labCenterId', message: 'is not a known lab centre' }]),
      ]
      if (!structure || !center) {
        throw unprocessable(
          structure ? 'unknown_lab_center' : 'unknown_structure',
          'The practice place names an unknown structure or lab centre.',
          problems,
        )
      }
      const place = await insertPlace(trx, {
        account_id: accountId,
        structure_id: structure.id,
        lab_center_id: center.id,
        is_primary: false,
        created_at: deps.clock.now(),
      })
      if (input.primary || !(await hasPrimaryPlace(trx, accountId)))
        await makePrimary(trx, accountId, place.id)
      await announcePlaceRequest(deps, trx, { id: place.id, accountId, structureId: structure.id })
      await recordAudit(trx, deps.clock, actor, {
        action: 'account.practice_place_requested',
        subjectType: 'practice_place',
        subjectId: place.id,
        details: { structureId: structure.id, labCenterId: center.id, primary: input.primary === true },
      })
      const view = (await listPlaces(trx, accountId)).find((candidate) => candidate.id === place.id)
      if (!view) throw notFound('not_found', 'No such practice place.')
      return view
    })
  } catch (error) {
    if (isUniqueViolation(error, 'practice_places_account_id_structure_id_key'))
      throw conflict('practice_place_exists', 'This account already has a practice place at this structure.')
    throw error
  }
}

/**
 * Removes a practice place, never the last one; if it was the primary one, the oldest left becomes
 * primary. What the person held at that structure goes with it (rights, requests, delegations given).
 */
export async function removePlace(deps: Deps, actor: AuditActor, accountId: string, placeId: string) {
  await deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId)
    const places = await placesOf(trx, accountId)
    const place = places.find((candidate) => candidate.id === placeId)
    if (!place) throw notFound('not_found', 'No such practice place on this account.')
    const others = places.filter((candidate) => candidate.id !== placeId)
    const heir = others.find((candidate) => candidate.status === 'confirmed') ?? others[0]
    if (!heir)
      throw conflict('last_practice_place', 'The last practice place of an account cannot be removed.')
    // The lab of the place's centre is told too, though the place is gone.
    const centerLab = await trx
      .selectFrom(practicePlaces.as('p'))
      .innerJoin(labCenters.as('c'), 'c.id', 'p.lab_center_id')
      .select('c.lab_id')
      .where('p.id', '=', place.id)
      .executeTakeFirst()
    if (place.status === 'confirmed') {
      await withdrawMembership(deps, trx, actor, accountId, place.structure_id)
    }
    await deletePlace(trx, place.id)
    // A pending place was never announced to the labs.
    if (place.status === 'confirmed') {
      await deps.labEvents.emit(trx, {
        type: 'practice_place.removed',
        accountId,
        structureId: place.structure_id,
        alsoLabs: centerLab ? [centerLab.lab_id] : [],
      })
    }
    if (place.is_primary) await makePrimary(trx, accountId, heir.id)
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.practice_place_removed',
      subjectType: 'practice_place',
      subjectId: place.id,
      details: { structureId: place.structure_id, ...(place.is_primary && { primaryMovedTo: heir.id }) },
    })
  })
}
