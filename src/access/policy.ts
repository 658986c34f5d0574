import type { Executor } from '../db/schema.ts'

/**
 * Who may do what with sensitive rights: the one place these decisions are made. Every rule reads the
 * current state, so a revoked delegation or a suspended professional stops counting at once, whatever
 * token they hold.
 */
export interface Actor {
  accountId: string
  roles: string[]
}

export const isSupport = (actor: Actor) => actor.roles.includes('support')

/** An active health professional with a practice place at the structure. */
export async function isResponsibleProfessional(
  db: Executor,
  accountId: string,
  structureId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('practice_places as p', 'p.account_id', 'a.id')
    .select('a.id')
    .where('a.id', '=', accountId)
    .where('p.structure_id', '=', structureId)
    .where('a.status', '=', 'active')
    .where('a.profile', '=', 'health_professional')
    .executeTakeFirst()
  return row !== undefined
}

/** A current delegation from the professional to an active delegate, for that structure. */
export async function isDelegateOf(
  db: Executor,
  delegateId: string,
  professionalId: string,
  structureId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('delegations as d')
    .innerJoin('accounts as a', 'a.id', 'd.delegate_id')
    .select('d.id')
    .where('d.delegate_id', '=', delegateId)
    .where('d.professional_id', '=', professionalId)
    .where('d.structure_id', '=', structureId)
    .where('d.revoked_at', 'is', null)
    .where('a.status', '=', 'active')
    .executeTakeFirst()
  return row !== undefined
}

export type DeciderRole = 'approver' | 'delegate' | 'support'

/**
 * Who may decide an access request: never the requester; the named professional while still
 * responsible at that structure; one of their current delegates for that structure; support always.
 */
export async function deciderRole(
  db: Executor,
  actor: Actor,
  request: { account_id: string; approver_id: string; structure_id: string },
): Promise<DeciderRole | null> {
  if (actor.accountId === request.account_id) return null
  if (isSupport(actor)) return 'support'
  if (actor.accountId === request.approver_id) {
    return (await isResponsibleProfessional(db, actor.accountId, request.structure_id)) ? 'approver' : null
  }
  const delegated =
    (await isResponsibleProfessional(db, request.approver_id, request.structure_id)) &&
    (await isDelegateOf(db, actor.accountId, request.approver_id, request.structure_id))
  return delegated ? 'delegate' : null
}

/** Who may revoke a collaborator's right at a structure: a responsible professional there, or support; never oneself. */
export async function mayRevoke(
  db: Executor,
  actor: Actor,
  holderId: string,
  structureId: string,
): Promise<boolean> {
  if (actor.accountId === holderId) return false
  return isSupport(actor) || isResponsibleProfessional(db, actor.accountId, structureId)
}

/** Who may delegate approval for a structure: its responsible professional, for themselves; support, for anyone. */
export async function mayDelegate(
  db: Executor,
  actor: Actor,
  professionalId: string,
  structureId: string,
): Promise<boolean> {
  if (isSupport(actor)) return isResponsibleProfessional(db, professionalId, structureId)
  return actor.accountId === professionalId && isResponsibleProfessional(db, professionalId, structureId)
}

/** Who may request accounts for structures: an active account manager of every one of them. */
export async function mayRequestAccounts(
  db: Executor,
  actor: Actor,
  structureIds: string[],
): Promise<boolean> {
  const unique = [...new Set(structureIds)]
  if (unique.length === 0) return false
  const rows = await db
    .selectFrom('mandates as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select('m.structure_id')
    .where('m.account_id', '=', actor.accountId)
    .where('m.mandate', '=', 'account_manager')
    .where('a.status', '=', 'active')
    .where('m.structure_id', 'in', unique)
    .execute()
  return rows.length === unique.length
}
