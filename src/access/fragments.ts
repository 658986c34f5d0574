import { type Selectable, sql } from 'kysely'
import type { LabRegistrationsTable } from '../db/schema.ts'

/**
 * Each person's number at each lab, as the lab events read it (the app hands it to their publisher): a
 * subquery PostgreSQL pulls up into the caller's statement, so access alone names its table.
 */
export const labRegistrationNumbers = sql<
  Pick<Selectable<LabRegistrationsTable>, 'account_id' | 'lab_id' | 'number'>
>`(select account_id, lab_id, number from lab_registrations)`
