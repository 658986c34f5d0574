import { type Selectable, sql } from 'kysely'
import type { LabCentersTable } from '../db/schema.ts'

/**
 * The lab centres as other areas join them (`.leftJoin(labCenters.as('c'), 'c.id', …)`): a subquery
 * PostgreSQL pulls up into the caller's statement, so labs alone names its tables.
 */
export const labCenters = sql<
  Pick<Selectable<LabCentersTable>, 'id' | 'lab_id' | 'code' | 'name'>
>`(select id, lab_id, code, name from lab_centers)`
