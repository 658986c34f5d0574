import { type Selectable, sql } from 'kysely'
import type { CorrespondentCodesTable, LabCentersTable } from '../db/schema.ts'

/**
 * The lab centres as other areas join them (`.leftJoin(labCenters.as('c'), 'c.id', …)`): a subquery
 * PostgreSQL pulls up into the caller's statement, so labs alone names its tables.
 */
export const labCenters = sql<
  Pick<Selectable<LabCentersTable>, 'id' | 'lab_id' | 'code' | 'name'>
>`(select id, lab_id, code, name from lab_centers)`

/**
 * The correspondent codes that work (active, their link to the structure standing), as other areas join
 * them (`exists (select 1 from ${usableCorrespondentCodes} k where k.structure_id = …)`).
 */
export const usableCorrespondentCodes = sql<
  Pick<Selectable<CorrespondentCodesTable>, 'id' | 'lab_id' | 'structure_id' | 'center_id' | 'code'>
>`(select id, lab_id, structure_id, center_id, code from correspondent_codes where usable)`
