import { updateIdentity } from '../accounts/account-creation.ts'
import { issueProvisionalCode } from '../accounts/recovery.ts'
import { accountName, loginAddressOf, notificationTarget } from '../accounts/repository.ts'
import { recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { insertPlace, makePrimaryAt, placesOf } from '../memberships/places.ts'
import {
  type Agent,
  activationUrl,
  copyReferenceMandates,
  type Outcome,
  workplaceNames,
} from './account-request-new-account.ts'
import { type AccountRequestRow, isProfessionalOccupation } from './account-request-schemas.ts'
import type { Holder } from './account-request-target.ts'
import { announcePlaceRequest } from './places.ts'
import { placeDeciderRole } from './policy.ts'

/**
 * The user's existing account, updated rather than duplicated: names, the missing workplaces (the
 * primary one as asked), lab numbers, the reference mandates; a professional occupation makes it a
 * health professional's. `requestTarget` has checked it may be: an account of the requester's
 * structures, holding no role, never a professional's made administrative.
 */
export async function updatePreviousAccount(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  request: AccountRequestRow,
  holder: Holder,
): Promise<Outcome> {
  const now = deps.clock.now()
  const professional = isProfessionalOccupation(request.occupation)
  const accountId = holder.id
  await updateIdentity(trx, now, accountId, {
    first_name: request.first_name,
    last_name: request.last_name,
    ...(professional && {
      profile: 'health_professional',
      rpps: request.rpps,
      profession_code: request.occupation,
    }),
  })

  const places = await placesOf(trx, accountId)
  // A professional's new place makes them responsible there: it is confirmed at once only where the
  // requester could confirm it themselves (`placeDeciderRole`: a responsible professional of that
  // structure; a delegate confirms no professional); elsewhere it waits for the structure's own decision,
  // as a place its holder asks does. Else an account manager could make someone a professional,
  // responsible (approving, delegating) at any structure they manage accounts for.
  const requester = { accountId: request.requester_id, roles: [] }
  const profile = professional ? 'health_professional' : holder.profile
  const added: string[] = []
  const awaiting: string[] = []
  for (const place of request.workplaces) {
    if (places.some((known) => known.structure_id === place.structureId)) continue
    const confirmed =
      profile !== 'health_professional' ||
      (await placeDeciderRole(trx, requester, {
        account_id: accountId,
        structure_id: place.structureId,
        profile,
      }))
    const inserted = await insertPlace(trx, {
      account_id: accountId,
      structure_id: place.structureId,
      lab_center_id: null,
      is_primary: false,
      created_at: now,
      ...(confirmed && { status: 'confirmed', confirmed_by: agent.id, confirmed_at: now }),
    })
    if (confirmed) added.push(place.structureId)
    else {
      awaiting.push(place.structureId)
      await announcePlaceRequest(deps, trx, { id: inserted.id, accountId, structureId: place.structureId })
    }
  }
  const primary = request.workplaces.find((place) => place.primary)
  if (primary && !places.some((known) => known.is_primary && known.structure_id === primary.structureId)) {
    await makePrimaryAt(trx, accountId, primary.structureId)
  }

  let registrationsChanged = false
  for (const registration of request.lab_registrations) {
    const changed = await trx
      .insertInto('lab_registrations')
      .values({
        account_id: accountId,
        lab_id: registration.labId,
        number: registration.number,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'lab_id'])
          .doUpdateSet({ number: registration.number, updated_at: now })
          .where('lab_registrations.number', '<>', registration.number),
      )
      .returning('lab_id')
      .executeTakeFirst()
    if (changed) registrationsChanged = true
  }
  const mandates = await copyReferenceMandates(deps, trx, agent, request, accountId)

  for (const structureId of added) {
    await deps.labEvents.emit(trx, { type: 'practice_place.added', accountId, structureId })
  }
  if (registrationsChanged) await deps.labEvents.emit(trx, { type: 'lab_registration.changed', accountId })

  // An account that never set its password gets a fresh provisional code instead of a mere notice.
  const withCode = holder.status === 'active' && holder.password_hash === null
  const target = await notificationTarget(trx, accountId)
  const data = {
    firstName: request.first_name,
    requester: await accountName(trx, request.requester_id),
    workplaces: await workplaceNames(trx, request),
  }
  const userMessageId = withCode
    ? await deps.outbox.enqueue(trx, {
        to: target.address,
        template: 'account_request.welcome',
        locale: target.locale,
        data: { ...data, email: await loginAddressOf(trx, accountId), activationUrl: activationUrl(deps) },
        secrets: { provisionalCode: await issueProvisionalCode(deps, trx, accountId) },
      })
    : await deps.outbox.enqueue(trx, {
        to: target.address,
        template: 'account_request.account_updated',
        locale: target.locale,
        data,
      })
  await recordAudit(trx, deps.clock, agent, {
    action: 'account.updated_on_request',
    subjectType: 'account',
    subjectId: accountId,
    details: {
      requestId: request.id,
      addedStructureIds: added,
      awaitingStructureIds: awaiting,
      labRegistrationsChanged: registrationsChanged,
      mandates,
      provisionalCode: withCode,
    },
  })
  return { accountId, updated: true, userMessageId }
}
