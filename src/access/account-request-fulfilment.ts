import { issueProvisionalCode } from '../accounts/recovery.ts'
import { insertFirstAddress, notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, notFound } from '../shared/errors.ts'
import {
  type AccountRequestRow,
  accountHoldingAddress,
  accountRequestView,
  isProfessionalOccupation,
  requestById,
} from './account-requests.ts'
import { announceActivation, emitLabEvent } from './lab-feed.ts'
import { mayRequestAccounts } from './policy.ts'

type Request = NonNullable<AccountRequestRow>
type Agent = AuditActor & { id: string }

export interface FulfilmentDecision {
  decision: 'fulfil' | 'reject'
  reason?: string | undefined
}

/**
 * Support's decision on a pending request. One conditional UPDATE records it, so of two agents deciding
 * at once exactly one does; the other gets 409. Fulfilled, the account is created active (or the
 * previous account updated) and the user mailed; the requester's confirmation waits in the outbox
 * until that mail has been sent. Rejected, the requester is mailed the reason.
 */
export async function decideAccountRequest(
  deps: Deps,
  agent: Agent,
  requestId: string,
  input: FulfilmentDecision,
) {
  const reason = input.reason?.trim() || null
  if (input.decision === 'reject' && !reason) {
    throw badRequest('reason_required', 'A rejection needs a reason: it is mailed to the requester.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  }
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now()
      const decided = await trx
        .updateTable('account_requests')
        .set({
          status: input.decision === 'fulfil' ? 'fulfilled' : 'rejected',
          reason: input.decision === 'reject' ? reason : null,
          decided_by: agent.id,
          decided_at: now,
        })
        .where('id', '=', requestId)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst()
      if (!decided) {
        const existing = await requestById(trx, requestId)
        if (!existing) throw notFound('No such account request.')
        throw conflict('already_decided', `This request has already been ${existing.status}.`)
      }
      const requester = await notificationTarget(trx, decided.requester_id)
      const user = `${decided.first_name} ${decided.last_name}`

      if (input.decision === 'reject') {
        await deps.outbox.enqueue(trx, {
          to: requester.address,
          template: 'account_request.rejected',
          locale: requester.locale,
          data: { firstName: requester.first_name, requestId, user, reason },
        })
        await recordAudit(trx, deps.clock, agent, {
          action: 'account_request.rejected',
          subjectType: 'account_request',
          subjectId: requestId,
          reason,
        })
        return accountRequestView(decided, now)
      }

      // The manager may have lost a mandate since asking: the request no longer stands.
      const structureIds = decided.workplaces.map((place) => place.structureId)
      const requesterRoles = await trx
        .selectFrom('accounts')
        .select('roles')
        .where('id', '=', decided.requester_id)
        .executeTakeFirstOrThrow()
      if (
        !(await mayRequestAccounts(trx, { accountId: decided.requester_id, ...requesterRoles }, structureIds))
      ) {
        throw conflict(
          'requester_not_manager',
          'The requester no longer manages accounts at every workplace named: reject the request.',
        )
      }
      const outcome = decided.previous_account
        ? await updatePreviousAccount(deps, trx, agent, decided)
        : await createRequestedAccount(deps, trx, agent, decided)
      const fulfilled = await trx
        .updateTable('account_requests')
        .set({ account_id: outcome.accountId })
        .where('id', '=', requestId)
        .returningAll()
        .executeTakeFirstOrThrow()
      await deps.outbox.enqueue(trx, {
        to: requester.address,
        template: 'account_request.fulfilled',
        locale: requester.locale,
        data: {
          firstName: requester.first_name,
          requestId,
          user,
          email: decided.email,
          updated: outcome.updated,
        },
        after: outcome.userMessageId,
      })
      await recordAudit(trx, deps.clock, agent, {
        action: 'account_request.fulfilled',
        subjectType: 'account_request',
        subjectId: requestId,
        details: { accountId: outcome.accountId, updated: outcome.updated },
      })
      return accountRequestView(fulfilled, now)
    })
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict('account_conflict', 'Another account took this address or RPPS number meanwhile.')
    }
    throw error
  }
}

interface Outcome {
  accountId: string
  updated: boolean
  /** The outbox id of the user's email: the requester's confirmation waits for it. */
  userMessageId: number
}

/** A new active account: its address, workplaces, lab numbers, the reference mandates and a provisional code. */
async function createRequestedAccount(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  request: Request,
): Promise<Outcome> {
  const now = deps.clock.now()
  if (await accountHoldingAddress(trx, request.email)) {
    throw conflict(
      'address_taken',
      'This address now belongs to an account: ask for a previous-account request.',
    )
  }
  const professional = isProfessionalOccupation(request.occupation)
  const account = await trx
    .insertInto('accounts')
    .values({
      status: 'active',
      profile: professional ? 'health_professional' : 'administrative',
      civility: 'M',
      first_name: request.first_name,
      last_name: request.last_name,
      profession_code: professional ? request.occupation : null,
      rpps: professional ? request.rpps : null,
      terms_version: deps.config.TERMS_VERSION,
      terms_accepted_at: now,
      validated_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'locale'])
    .executeTakeFirstOrThrow()
  await insertFirstAddress(trx, account.id, request.email, now)
  await trx
    .insertInto('practice_places')
    .values(
      request.workplaces.map((place) => ({
        account_id: account.id,
        structure_id: place.structureId,
        lab_center_id: null,
        is_primary: place.primary,
        // The support desk fulfilling the request decides the workplaces too.
        status: 'confirmed' as const,
        confirmed_by: agent.id,
        confirmed_at: now,
        created_at: now,
      })),
    )
    .execute()
  if (request.lab_registrations.length > 0) {
    await trx
      .insertInto('lab_registrations')
      .values(
        request.lab_registrations.map((registration) => ({
          account_id: account.id,
          lab_id: registration.labId,
          number: registration.number,
          updated_at: now,
        })),
      )
      .execute()
  }
  const mandates = await copyReferenceMandates(deps, trx, agent, request, account.id)
  const provisionalCode = await issueProvisionalCode(deps, trx, account.id)

  // Every lab that knows the person (by a registration, or a correspondent code of a workplace) learns it.
  await announceActivation(trx, deps.clock, account.id)
  if (request.lab_registrations.length > 0) {
    await emitLabEvent(trx, deps.clock, { type: 'lab_registration.changed', accountId: account.id })
  }
  const userMessageId = await deps.outbox.enqueue(trx, {
    to: request.email,
    template: 'account_request.welcome',
    locale: account.locale,
    data: {
      firstName: request.first_name,
      email: request.email,
      requester: await requesterName(trx, request.requester_id),
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
 * The user's existing account, updated rather than duplicated: names, the missing workplaces (the
 * primary one as asked), lab numbers, the reference mandates; a professional occupation makes it a
 * health professional's. Never an administrative account for a professional.
 */
async function updatePreviousAccount(
  deps: Deps,
  trx: Executor,
  agent: Agent,
  request: Request,
): Promise<Outcome> {
  const now = deps.clock.now()
  const holder = await accountHoldingAddress(trx, request.email)
  if (!holder) throw conflict('previous_account_gone', 'No account has this address any more.')
  const professional = isProfessionalOccupation(request.occupation)
  if (!professional && holder.profile === 'health_professional') {
    throw conflict(
      'professional_account',
      'This account is a health professional’s: it cannot be made administrative.',
    )
  }
  if (professional && holder.profile === 'health_professional' && holder.rpps !== request.rpps) {
    throw conflict('rpps_mismatch', 'The existing account carries another RPPS number.')
  }
  const accountId = holder.id
  await trx
    .updateTable('accounts')
    .set({
      first_name: request.first_name,
      last_name: request.last_name,
      ...(professional && {
        profile: 'health_professional',
        rpps: request.rpps,
        profession_code: request.occupation,
      }),
      updated_at: now,
    })
    .where('id', '=', accountId)
    .execute()

  const places = await trx
    .selectFrom('practice_places')
    .select(['id', 'structure_id', 'is_primary'])
    .where('account_id', '=', accountId)
    .execute()
  const added: string[] = []
  for (const place of request.workplaces) {
    if (places.some((known) => known.structure_id === place.structureId)) continue
    await trx
      .insertInto('practice_places')
      .values({
        account_id: accountId,
        structure_id: place.structureId,
        lab_center_id: null,
        is_primary: false,
        status: 'confirmed',
        confirmed_by: agent.id,
        confirmed_at: now,
        created_at: now,
      })
      .execute()
    added.push(place.structureId)
  }
  const primary = request.workplaces.find((place) => place.primary)
  if (primary && !places.some((known) => known.is_primary && known.structure_id === primary.structureId)) {
    await trx
      .updateTable('practice_places')
      .set({ is_primary: false })
      .where('account_id', '=', accountId)
      .where('is_primary', '=', true)
      .execute()
    await trx
      .updateTable('practice_places')
      .set({ is_primary: true })
      .where('account_id', '=', accountId)
      .where('structure_id', '=', primary.structureId)
      .execute()
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
    await emitLabEvent(trx, deps.clock, { type: 'practice_place.added', accountId, structureId })
  }
  if (registrationsChanged)
    await emitLabEvent(trx, deps.clock, { type: 'lab_registration.changed', accountId })

  // An account that never set its password gets a fresh provisional code instead of a mere notice.
  const withCode = holder.status === 'active' && holder.password_hash === null
  const target = await notificationTarget(trx, accountId)
  const data = {
    firstName: request.first_name,
    requester: await requesterName(trx, request.requester_id),
    workplaces: await workplaceNames(trx, request),
  }
  const userMessageId = withCode
    ? await deps.outbox.enqueue(trx, {
        to: target.address,
        template: 'account_request.welcome',
        locale: target.locale,
        data: { ...data, email: await loginAddress(trx, accountId), activationUrl: activationUrl(deps) },
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
      labRegistrationsChanged: registrationsChanged,
      mandates,
      provisionalCode: withCode,
    },
  })
  return { accountId, updated: true, userMessageId }
}

/**
 * The reference account's mandates, and only them, copied to the user: those at the request's
 * workplaces, since the user may only have access to the institutions named.
 */
async function copyReferenceMandates(
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

/** The address the account signs in with, which the activation asks for. */
async function loginAddress(trx: Executor, accountId: string) {
  const email = await trx
    .selectFrom('account_emails')
    .select('address')
    .where('account_id', '=', accountId)
    .where('is_login', '=', true)
    .executeTakeFirstOrThrow()
  return email.address
}

async function requesterName(trx: Executor, requesterId: string) {
  const requester = await trx
    .selectFrom('accounts')
    .select(['first_name', 'last_name'])
    .where('id', '=', requesterId)
    .executeTakeFirstOrThrow()
  return `${requester.first_name} ${requester.last_name}`
}

/** The workplaces' names, the primary one first. */
async function workplaceNames(trx: Executor, request: Request) {
  const structures = await trx
    .selectFrom('structures')
    .select(['id', 'name', 'city'])
    .where(
      'id',
      'in',
      request.workplaces.map((place) => place.structureId),
    )
    .execute()
  const ordered = [...request.workplaces].sort((a, b) => Number(b.primary) - Number(a.primary))
  return ordered.flatMap((place) => {
    const structure = structures.find((candidate) => candidate.id === place.structureId)
    return structure ? [structure.city ? `${structure.name} (${structure.city})` : structure.name] : []
  })
}

const activationUrl = (deps: Deps) => `${deps.config.PORTAL_URL.replace(/\/$/, '')}/activation`
