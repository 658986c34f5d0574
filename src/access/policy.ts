import { type Expression, type RawBuilder, sql } from 'kysely'
import { activeAccounts, activeProfessionals, notificationAddresses } from '../accounts/fragments.ts'
import type { Executor } from '../db/schema.ts'
import { practicePlaces } from '../memberships/fragments.ts'

/**
 * Who may do what with sensitive rights and memberships: the one place these decisions are made. Every
 * rule reads the current state, so a revoked delegation, a place removed or a suspended professional
 * stops counting at once, whatever token they hold.
 */
export interface Actor {
  accountId: string
  roles: string[]
}

export const isSupport = (actor: Actor) => actor.roles.includes('support')

type Operand = string | Expression<string> | RawBuilder<unknown>
const operand = (value: Operand) => (typeof value === 'string' ? sql`${value}::uuid` : value)

/**
 * SQL: the account is a responsible professional of the structure — an active health professional with
 * a confirmed practice place there. Operands are ids or column references (`sql.ref('r.approver_id')`).
 */
export const responsibleAt = (account: Operand, structure: Operand) => sql<boolean>`exists (
  select 1 from ${practicePlaces} rp join ${activeProfessionals} ra on ra.id = rp.account_id
  where rp.account_id = ${operand(account)} and rp.structure_id = ${operand(structure)}
    and rp.status = 'confirmed')`

/**
 * SQL: the account holds a current delegation, at the structure, from a professional who is still
 * responsible there (`professional` narrows it to one professional).
 */
export const delegateAt = (
  account: Operand,
  structure: Operand,
  professional?: Operand,
) => sql<boolean>`exists (
  select 1 from delegations rd join ${activeAccounts} rda on rda.id = rd.delegate_id
  where rd.delegate_id = ${operand(account)} and rd.structure_id = ${operand(structure)}
    and rd.revoked_at is null
    ${professional === undefined ? sql`` : sql`and rd.professional_id = ${operand(professional)}`}
    and ${responsibleAt(sql.ref('rd.professional_id'), sql.ref('rd.structure_id'))})`

/**
 * Where the responsible professionals of a structure are notified (address, language, first name), all
 * but one account: those who decide the places asked there.
 */
export const professionalTargetsAt = (db: Executor, structureId: string, exceptAccountId: string) =>
  db
    .selectFrom(practicePlaces.as('p'))
    .innerJoin(activeProfessionals.as('a'), 'a.id', 'p.account_id')
    .innerJoin(notificationAddresses.as('e'), 'e.account_id', 'a.id')
    .select(['e.address', 'a.locale', 'a.first_name'])
    .where('p.structure_id', '=', structureId)
    .where('p.status', '=', 'confirmed')
    .where('a.id', '!=', exceptAccountId)
    .execute()

/** SQL: the structure has at least one responsible professional. */
export const staffed = (structure: Operand) => sql<boolean>`exists (
  select 1 from ${practicePlaces} sp join ${activeProfessionals} sa on sa.id = sp.account_id
  where sp.structure_id = ${operand(structure)} and sp.status = 'confirmed')`

/** SQL: the structures where the account is a responsible professional, as a subquery of `structure_id`. */
export const responsibleStructures = (account: string) => sql<{ structure_id: string }>`(
  select p.structure_id from ${practicePlaces} p join ${activeProfessionals} a on a.id = p.account_id
    where p.account_id = ${account}::uuid and p.status = 'confirmed')`

/** SQL: the structures where the account is the delegate of a responsible professional. */
export const delegatedStructures = (account: string) => sql<{ structure_id: string }>`(
  select d.structure_id from delegations d
    where d.delegate_id = ${account}::uuid and d.revoked_at is null
      and ${responsibleAt(sql.ref('d.professional_id'), sql.ref('d.structure_id'))})`

/**
 * SQL: the structures where the account approves — its own as a responsible professional, and those
 * where it is the delegate of one — as a subquery of `structure_id`.
 */
export const approverStructures = (account: string) =>
  sql<{ structure_id: string }>`(${responsibleStructures(account)} union ${delegatedStructures(account)})`

async function holds(db: Executor, condition: RawBuilder<boolean>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select ${condition} as ok`.execute(db)
  return rows[0]?.ok === true
}

/** An active health professional with a confirmed practice place at the structure. */
export const isResponsibleProfessional = (db: Executor, accountId: string, structureId: string) =>
  holds(db, responsibleAt(accountId, structureId))

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
  const delegated = await holds(db, delegateAt(actor.accountId, request.structure_id, request.approver_id))
  return delegated ? 'delegate' : null
}

export type PlaceDeciderRole = 'professional' | 'delegate' | 'support'

/**
 * Who may confirm or reject a practice place someone asks at a structure: never the person themselves;
 * a responsible professional of that structure; one of their delegates there, for a collaborator or
 * staff member only (a professional confirmed at a structure becomes responsible there: that is for a
 * professional to decide); the support desk only when the structure has no responsible professional.
 */
export async function placeDeciderRole(
  db: Executor,
  actor: Actor,
  place: { account_id: string; structure_id: string; profile: string },
): Promise<PlaceDeciderRole | null> {
  if (actor.accountId === place.account_id) return null
  const { rows } = await sql<{ professional: boolean; delegate: boolean; staffed: boolean }>`select
    ${responsibleAt(actor.accountId, place.structure_id)} as professional,
    ${delegateAt(actor.accountId, place.structure_id)} as delegate,
    ${staffed(place.structure_id)} as staffed`.execute(db)
  const found = rows[0]
  if (found?.professional) return 'professional'
  if (found?.delegate && place.profile !== 'health_professional') return 'delegate'
  if (isSupport(actor) && !found?.staffed) return 'support'
  return null
}

/**
 * Who may withdraw a right at a structure: support, a responsible professional there, or the delegate
 * of one; never the holder; and only a collaborator's or staff member's right, granted through a
 * request — a professional's own rights are not anyone else's to withdraw.
 */
export async function mayRevoke(
  db: Executor,
  actor: Actor,
  holder: { id: string; profile: string },
  structureId: string,
): Promise<boolean> {
  if (actor.accountId === holder.id || holder.profile === 'health_professional') return false
  if (isSupport(actor)) return true
  return holds(
    db,
    sql<boolean>`${responsibleAt(actor.accountId, structureId)} or ${delegateAt(actor.accountId, structureId)}`,
  )
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
    .innerJoin(activeAccounts.as('a'), 'a.id', 'm.account_id')
    .select('m.structure_id')
    .where('m.account_id', '=', actor.accountId)
    .where('m.mandate', '=', 'account_manager')
    .where('m.structure_id', 'in', unique)
    .execute()
  return rows.length === unique.length
}
