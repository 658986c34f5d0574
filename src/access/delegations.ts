import { accountSummaries } from '../accounts/fragments.ts'
import { accountById, activeProfessionalsAt } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { isUsableCodeOf } from '../labs/repository.ts'
import { conflict, forbidden, notFound, unprocessable } from '../shared/errors.ts'
import { structureSummaries } from '../structures/fragments.ts'
import { type Actor, isSupport, mayDelegate } from './policy.ts'

export interface NewDelegation {
  professionalId: string
  structureId: string
  delegateId: string
}

/** A professional (or support, for them) names a user who may decide their requests for a structure. */
export async function createDelegation(deps: Deps, actor: Actor, audit: AuditActor, input: NewDelegation) {
  if (!(await mayDelegate(deps.db, actor, input.professionalId, input.structureId))) {
    throw forbidden(
      'forbidden',
      'Only a professional of this structure may delegate for it (or support, for them).',
    )
  }
  if (input.delegateId === input.professionalId)
    throw unprocessable('invalid_delegate', 'Delegate to someone else.')
  const delegate = await accountById(deps.db, input.delegateId)
  if (delegate?.status !== 'active')
    throw unprocessable('invalid_delegate', 'The delegate must be an active user.')
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('delegations')
        .values({
          professional_id: input.professionalId,
          structure_id: input.structureId,
          delegate_id: input.delegateId,
          created_by: actor.accountId,
          created_at: deps.clock.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, deps.clock, audit, {
        action: 'access.delegation_created',
        subjectType: 'delegation',
        subjectId: row.id,
        details: { ...input },
      })
      return row
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('delegation_exists', 'This delegation already exists.')
    throw error
  }
}

/** Withdraws a delegation: from then on the delegate cannot decide, whatever token they hold. */
export async function revokeDelegation(deps: Deps, actor: Actor, audit: AuditActor, delegationId: string) {
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('delegations')
      .selectAll()
      .where('id', '=', delegationId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (!row || (!isSupport(actor) && row.professional_id !== actor.accountId))
      throw notFound('not_found', 'No such delegation of yours.')
    await trx
      .updateTable('delegations')
      .set({ revoked_at: deps.clock.now(), revoked_by: actor.accountId })
      .where('id', '=', delegationId)
      .execute()
    await recordAudit(trx, deps.clock, audit, {
      action: 'access.delegation_revoked',
      subjectType: 'delegation',
      subjectId: delegationId,
    })
  })
}

export function delegationsOf(db: Executor, professionalId: string) {
  return db
    .selectFrom('delegations as d')
    .innerJoin(accountSummaries.as('a'), 'a.id', 'd.delegate_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'd.structure_id')
    .select([
      'd.id',
      'd.structure_id',
      's.name as structure_name',
      'd.delegate_id',
      'a.first_name',
      'a.last_name',
      'd.created_at',
    ])
    .where('d.professional_id', '=', professionalId)
    .where('d.revoked_at', 'is', null)
    .orderBy('d.created_at')
    .execute()
}

/**
 * The approvers of a structure, for whoever gives its usable correspondent code; undefined when the
 * code is not that structure's (nobody lists the people of a practice they do not belong to).
 */
export async function approversByCode(db: Executor, structureId: string, correspondentCode: string) {
  return (await isUsableCodeOf(db, structureId, correspondentCode)) ? approversOf(db, structureId) : undefined
}

/** The responsible professionals and the delegates of a structure (names only), for the registration form. */
export async function approversOf(db: Executor, structureId: string) {
  const [professionals, delegates] = await Promise.all([
    activeProfessionalsAt(db, structureId).orderBy('a.last_name').execute(),
    db
      .selectFrom('delegations as d')
      .innerJoin(accountSummaries.as('a'), 'a.id', 'd.delegate_id')
      .select([
        'a.id',
        'a.civility',
        'a.practice_civility',
        'a.first_name',
        'a.last_name',
        'd.professional_id',
      ])
      .where('d.structure_id', '=', structureId)
      .where('d.revoked_at', 'is', null)
      .where('a.status', '=', 'active')
      .execute(),
  ])
  const view = (
    row: (typeof professionals)[number],
    role: 'professional' | 'delegate',
    forProfessionalId: string | null,
  ) => ({
    id: row.id,
    civility: row.practice_civility ?? row.civility,
    firstName: row.first_name,
    lastName: row.last_name,
    role,
    forProfessionalId,
  })
  return [
    ...professionals.map((row) => view(row, 'professional', null)),
    ...delegates.map((row) => view(row, 'delegate', row.professional_id)),
  ]
}
