import { type Selectable, sql } from 'kysely'
import type { AccessRequestsTable, PracticePlacesTable, RightsTable } from '../db/schema.ts'

// What other areas join of the memberships, written here so that memberships alone names its tables.
// Each is a subquery of one table that PostgreSQL pulls up into the caller's statement: the plan is the
// one of a join on the table itself, so a hot read stays one statement with the same plan. Join one
// under an alias, `.innerJoin(practicePlaces.as('p'), 'p.account_id', 'a.id')`, or in SQL text,
// `from ${practicePlaces} p`; the caller keeps its own conditions (`p.status = 'confirmed'`).

/** Every practice place, pending or confirmed: who practises at which structure, with which lab centre. */
export const practicePlaces = sql<Selectable<PracticePlacesTable>>`(select id, account_id, structure_id,
  lab_center_id, is_primary, status, confirmed_by, confirmed_at, created_at from practice_places)`

/** Every grant of a sensitive right, those withdrawn since (`revoked_at` set) included. */
export const rightGrants = sql<Selectable<RightsTable>>`(select id, account_id, structure_id, name,
  granted_at, granted_by, revoked_at, revoked_by from rights)`

/** Every access request, whatever its status. */
export const accessRequests = sql<Selectable<AccessRequestsTable>>`(select id, account_id, structure_id,
  rights, approver_id, status, comment, at_registration, granted_rights, reason, decided_by, decided_at,
  created_at from access_requests)`
