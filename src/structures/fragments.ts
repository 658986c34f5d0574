import { type Selectable, sql } from 'kysely'
import type { StructuresTable } from '../db/schema.ts'

/**
 * The structures as other areas join them (`.innerJoin(structureSummaries.as('s'), 's.id', …)`): a
 * subquery PostgreSQL pulls up into the caller's statement, so structures alone names its table.
 */
export const structureSummaries = sql<
  Pick<Selectable<StructuresTable>, 'id' | 'name' | 'city' | 'postal_code' | 'finess' | 'siret'>
>`(select id, name, city, postal_code, finess, siret from structures)`
