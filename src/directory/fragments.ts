import { type Selectable, sql } from 'kysely'
import type { DirectoryEstablishmentsTable } from '../db/schema.ts'

/**
 * The identifiers the national FINESS directory lists, as other areas test a structure against it
 * (`exists (select 1 from ${directoryIdentifiers} d where d.finess = s.finess)`): a subquery PostgreSQL
 * pulls up into the caller's statement, so directory alone names its tables.
 */
export const directoryIdentifiers = sql<
  Pick<Selectable<DirectoryEstablishmentsTable>, 'finess' | 'siret'>
>`(select finess, siret from directory_establishments)`
