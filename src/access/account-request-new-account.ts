import { createAccount } from '../accounts/account-creation.ts'
import { issueProvisionalCode } from '../accounts/recovery.ts'
import { accountName } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { insertPlaces } from '../memberships/places.ts'
import { structuresByIds } from '../structures/repository.ts'
import { type AccountRequestRow, isProfessionalOccupation } from './account-request-schemas.ts'

type Request = AccountRequestRow
export type Agent = AuditActor & { id: string }

export interface Outcome {
  accountId: string
  updated: boolean
  /** The outbox id of the user's email: the requester's confirmation waits for it. */
  userMessageId: number
}

/** The request's workplaces, confirmed (the support desk fulfilling it decides them too), and lab numbers. */
async function addWorkplaces(trx: Executor, now: Date, agent: Agent, request: Request, accountId: string) {
  await insertPlaces(
    trx,
    request.workplaces.map((place) => ({
      account_id: accountId,
      structure_id: place.structureId,
      lab_center_id: null,
      is_primary: place.primary,
      status: 'confirmed' as const,
      confirmed_by: agent.id,
      confirmed_at: now,
      created_at: now,
    })),
  )
  if (request.lab_registrations.length === 0) return
  await trx
    .insertInto('lab_registrations')
    .values(
      request.lab_registrations.map((registration) => ({
        account_id: accountId,
        lab_id: registration.labId,
        number: registration.number,
        updated_at: now,
      })),
    )
    .execute()
}

/** A new active account: its address, workplaces, lab numbers, the reference mandates and a provisional code. */
export async function createRequestedAccount(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  request: Request,
  civility: 'M' | 'MME',
): Promise<Outcome> {
  const now = deps.clock.now()
  const professional = isProfessionalOccupation(request.occupation)
  const account = await createAccount(
    trx,
    now,
    {
      status: 'active',
      profile: professional ? 'health_professional' : 'administrative',
      civility,
      first_name: request.first_name,
      last_name: request.last_name,
      profession_code: professional ? request.occupation : null,
      rpps: professional ? request.rpps : null,
      terms_version: deps.config.TERMS_VERSION,
      validated_at: now,
    },
    request.email,
  )
  await addWorkplaces(trx, now, agent, request, account.id)
  const mandates = await copyReferenceMandates(deps, trx, agent, request, account.id)
  const provisionalCode = await issueProvisionalCode(deps, trx, account.id)

  // Every lab that knows the person (by a registration, or a correspondent code of a workplace) learns it.
  await deps.labEvents.announceActivation(trx, account.id)
  if (request.lab_registrations.length > 0) {
    await deps.labEvents.emit(trx, { type: 'lab_registration.changed', accountId: account.id })
  }
  const userMessageId = await deps.outbox.enqueue(trx, {
    to: request.email,
    template: 'account_request.welcome',
    locale: account.locale,
    data: {
      firstName: request.first_name,
      email: request.email,
      requester: await accountName(trx, request.requester_id),
      workplaces: await workplaceNames(trx, request),
      activationUrl: activationUrl(deps),
    },
    secrets: { provisionalCode },
  })
  await recordAudit(trx, deps.clock, agent, {
    action: 'account.created_on_request',
    subjectType: 'account',
    subjectId: account.id,
    details: {
      requestId: request.id,
      profile: professional ? 'health_professional' : 'administrative',
      structureIds: request.workplaces.map((place) => place.structureId),
      labIds: request.lab_registrations.map((registration) => registration.labId),
      mandates,
      provisionalCode: true,
    },
  })
  return { accountId: account.id, updated: false, userMessageId }
}

/**
 * The reference account's mandates, and only them, copied to the user: those at the request's
 * workplaces, since the user may only have access to the institutions named.
 */
export async function copyReferenceMandates(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  request: Request,
  accountId: string,
) {
  if (!request.reference_account_id) return []
  const structureIds = request.workplaces.map((place) => place.structureId)
  const mandates = await trx
    .selectFrom('mandates')
    .select(['structure_id', 'mandate'])
    .where('account_id', '=', request.reference_account_id)
    .where('structure_id', 'in', structureIds)
    .execute()
  if (mandates.length === 0) return []
  const copied = await trx
    .insertInto('mandates')
    .values(
      mandates.map((mandate) => ({
        account_id: accountId,
        structure_id: mandate.structure_id,
        mandate: mandate.mandate,
        granted_at: deps.clock.now(),
        granted_by: agent.id,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['structure_id', 'mandate'])
    .execute()
  return copied.map((mandate) => ({ structureId: mandate.structure_id, mandate: mandate.mandate }))
}

/** The workplaces' names, the primary one first. */
export async function workplaceNames(trx: Executor, request: Request) {
  const structures = await structuresByIds(
    trx,
    request.workplaces.map((place) => place.structureId),
  )
  const ordered = [...request.workplaces].sort((a, b) => Number(b.primary) - Number(a.primary))
  return ordered.flatMap((place) => {
    const structure = structures.find((candidate) => candidate.id === place.structureId)
    return structure ? [structure.city ? `${structure.name} (${structure.city})` : structure.name] : []
  })
}

export const activationUrl = (deps: Deps) => `${deps.config.PORTAL_URL.replace(/\/$/, '')}/activation`
