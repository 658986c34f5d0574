import { recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { isUsableCodeOf, labById, labCenterById } from '../labs/repository.ts'
import { insertPlaces } from '../memberships/places.ts'
import { openAccessRequest } from '../memberships/requests.ts'
import { insertRights } from '../memberships/rights.ts'
import { conflict, unprocessable } from '../shared/errors.ts'
import { structureById } from '../structures/repository.ts'
import { structureFromDirectory } from '../structures/service.ts'
import { createAccount } from './account-creation.ts'
import { consumeProof, peekProof } from './email-proofs.ts'
import { pscLinkColumns } from './psc-accounts.ts'
import { consumePscRegistration, peekPscRegistration, withPscIdentity } from './psc-registration.ts'
import { checkRegistration } from './registration-checks.ts'
import type { RegistrationInput } from './registration-schema.ts'
import { notificationTarget, responsibleProfessional } from './repository.ts'

type Place = { structureId: string; labCenterId: string; labId: string; primary: boolean }

/**
 * Registers a person. A collaborator asking for results or invoices waits for the professional they
 * name (`pending_approval`); everyone else waits for the support desk (`pending_validation`). With a
 * Pro Santé Connect registration token, the identity is PSC's and the account is linked to it.
 */
export async function register(deps: Deps, context: RequestContext, form: RegistrationInput) {
  const token = form.pscRegistrationToken
  const psc = token === undefined ? undefined : await peekPscRegistration(deps, token)
  const input = psc ? withPscIdentity(form, psc) : form
  if (input.termsVersion !== deps.config.TERMS_VERSION) {
    throw unprocessable(
      'terms_outdated',
      `The current terms of use are version ${deps.config.TERMS_VERSION}: accept them.`,
    )
  }
  // The proof is looked at first, for its address: the password must not contain it.
  const preview = await peekProof(deps, input.proof, 'registration')
  const checked = checkRegistration(input, preview, {
    acceptAnyRppsCheckDigit: deps.config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  const passwordHash = input.password ? await deps.passwords.hash(input.password) : null
  const now = deps.clock.now()

  try {
    return await deps.db.transaction().execute(async (trx) => {
      const email = await consumeProof(deps, trx, input.proof, 'registration')
      if (token !== undefined) await consumePscRegistration(deps, trx, token)
      const places = await resolvePlaces(deps, trx, input)
      const primary = places.find((place) => place.primary)!
      await checkCorrespondentCode(trx, primary, input.correspondentCode)
      const approver = checked.asksSensitiveRights
        ? await responsibleProfessional(trx, primary.structureId, {
            id: input.approverId,
            rpps: input.approverRpps,
          })
        : undefined
      if (checked.asksSensitiveRights && !approver) {
        throw unprocessable(
          'approver_not_found',
          'The approver must be a professional already registered at this structure: collaborators register after their professional.',
        )
      }
      const status = checked.asksSensitiveRights
        ? ('pending_approval' as const)
        : ('pending_validation' as const)
      const account = await createAccount(
        trx,
        now,
        {
          status,
          profile: input.profile,
          civility: checked.civility,
          practice_civility: input.practiceCivility ?? null,
          first_name: checked.firstName,
          last_name: checked.lastName,
          profession_code: input.profession ?? null,
          rpps: checked.rpps,
          account_title: input.accountTitle ?? null,
          phones: checked.phones,
          password_hash: passwordHash,
          password_changed_at: passwordHash ? now : null,
          terms_version: input.termsVersion,
          ...(psc && pscLinkColumns(psc, now)),
        },
        email,
      )
      await insertPlaces(
        trx,
        places.map((place) => ({
          account_id: account.id,
          structure_id: place.structureId,
          lab_center_id: place.labCenterId,
          is_primary: place.primary,
          created_at: now,
        })),
      )
      const wanted = (['results', 'invoices'] as const).filter((right) => checked.rights[right])
      if (input.profile === 'health_professional' && wanted.length > 0) {
        // A professional's own rights, at each place; they count once the account is active.
        await insertRights(
          trx,
          places.flatMap((place) =>
            wanted.map((name) => ({
              account_id: account.id,
              structure_id: place.structureId,
              name,
              granted_at: now,
            })),
          ),
        )
      }
      if (approver) {
        const request = await openAccessRequest(trx, {
          account_id: account.id,
          structure_id: primary.structureId,
          rights: wanted,
          approver_id: approver.id,
          status: 'pending',
          at_registration: true,
          created_at: now,
        })
        await notifyApprover(deps, trx, approver.id, {
          requestId: request.id,
          requester: `${checked.firstName} ${checked.lastName}`,
          rights: wanted,
        })
      }
      await recordAudit(
        trx,
        deps.clock,
        { type: 'anonymous', id: null, requestId: context.requestId },
        {
          action: 'account.registered',
          subjectType: 'account',
          subjectId: account.id,
          details: {
            profile: input.profile,
            status,
            places: places.length,
            ...(psc && { identityVerifiedBy: 'psc' }),
          },
        },
      )
      await deps.outbox.enqueue(trx, {
        to: deps.config.SUPPORT_EMAIL,
        template: 'account.registered_support',
        data: {
          accountId: account.id,
          name: `${checked.firstName} ${checked.lastName}`,
          profile: input.profile,
          status,
          ...(psc && { identityVerifiedBy: 'psc' as const }),
        },
      })
      return { id: account.id, status }
    })
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('already_registered', 'An account already uses this address or RPPS number.')
    throw error
  }
}

async function resolvePlaces(deps: Deps, trx: Executor, input: RegistrationInput): Promise<Place[]> {
  const places: Place[] = []
  for (const [index, place] of input.practicePlaces.entries()) {
    const structure = place.structureId
      ? await structureById(trx, place.structureId)
      : await structureFromDirectory(trx, deps.clock, place.finess!)
    if (!structure) {
      throw unprocessable(
        'unknown_structure',
        'A practice place is neither a known structure nor in the FINESS directory.',
        [{ in: 'body', field: `practicePlaces.${index}`, message: 'is not a known structure' }],
      )
    }
    const center = await labCenterById(trx, place.labCenterId)
    if (!center) {
      throw unprocessable('unknown_lab_center', 'A practice place names an unknown lab centre.', [
        { in: 'body', field: `practicePlaces.${index}.labCenterId`, message: 'is not a known lab centre' },
      ])
    }
    if (places.some((known) => known.structureId === structure.id)) continue
    places.push({
      structureId: structure.id,
      labCenterId: center.id,
      labId: center.lab_id,
      primary: place.primary,
    })
  }
  return places
}

/** The lab of the primary place may require its correspondent code; a code given must be that lab's, for that structure. */
async function checkCorrespondentCode(trx: Executor, primary: Place, code: string | undefined) {
  const lab = await labById(trx, primary.labId)
  // The centre was just found, and its lab is a foreign key of it.
  if (!lab) throw new Error(`The lab ${primary.labId} of a known centre is missing.`)
  if (code === undefined) {
    if (lab.requires_correspondent_code)
      throw unprocessable('correspondent_code_required', 'This lab requires its correspondent code.')
    return
  }
  const known = await isUsableCodeOf(trx, primary.structureId, code, primary.labId)
  if (!known)
    throw unprocessable(
      'unknown_correspondent_code',
      'This correspondent code is not the lab’s code for this practice.',
    )
}

/**
 * A collaborator's registration, approved or rejected by their professional, goes on to the support
 * desk: one conditional update (from `pending_approval` only), and the desk is told.
 */
export async function awaitValidation(
  deps: Deps,
  trx: Executor,
  account: { id: string; first_name: string; last_name: string },
) {
  const moved = await trx
    .updateTable('accounts')
    .set({ status: 'pending_validation', updated_at: deps.clock.now() })
    .where('id', '=', account.id)
    .where('status', '=', 'pending_approval')
    .returning('id')
    .executeTakeFirst()
  if (!moved) return
  await deps.outbox.enqueue(trx, {
    to: deps.config.SUPPORT_EMAIL,
    template: 'account.registered_support',
    data: {
      accountId: account.id,
      name: `${account.first_name} ${account.last_name}`,
      profile: 'collaborator',
      status: 'pending_validation',
    },
  })
}

/** Mails the approver that a request awaits them. */
export async function notifyApprover(
  deps: Deps,
  trx: Executor,
  approverId: string,
  data: { requestId: string; requester: string; rights: string[] },
) {
  const target = await notificationTarget(trx, approverId)
  await deps.outbox.enqueue(trx, {
    to: target.address,
    template: 'access.approval_requested',
    locale: target.locale,
    data: { firstName: target.first_name, ...data },
  })
}
