import { type Selectable, sql } from 'kysely'
import type { DirectoryActivitiesTable, DirectoryEstablishmentsTable, Executor } from '../db/schema.ts'
import { decodeCursor, pageOf } from '../shared/pagination.ts'
import { searchKey } from './search-key.ts'

const likePrefix = (text: string) => `${searchKey(text).replace(/[\\%_]/g, '\\$&')}%`

export interface ProfessionalQuery {
  lastName?: string
  firstName?: string
  rpps?: string
  limit: number
  cursor?: string
}

/**
 * Whether the RPPS directory knows this number: `not_imported` while the directory is empty (nothing to
 * check against yet), else `known` or `unknown`. One statement, two index probes.
 */
export async function rppsInDirectory(
  db: Executor,
  rpps: string,
): Promise<'known' | 'unknown' | 'not_imported'> {
  const { rows } = await sql<{ imported: boolean; known: boolean }>`
    select exists (select 1 from directory_persons) as imported,
           exists (select 1 from directory_persons where rpps = ${rpps}) as known`.execute(db)
  const row = rows[0]
  if (!row?.imported) return 'not_imported'
  return row.known ? 'known' : 'unknown'
}

/** Persons by name prefix (case and accents ignored) or exact RPPS, each once, with their activities. */
export async function searchProfessionals(db: Executor, query: ProfessionalQuery) {
  const after = decodeCursor(query.cursor, ['string', 'string', 'string']) as
    | [string, string, string]
    | undefined
  let persons = db
    .selectFrom('directory_persons')
    .selectAll()
    .orderBy('search_last_name')
    .orderBy('search_first_name')
    .orderBy('rpps')
    .limit(query.limit + 1)
  if (query.rpps) persons = persons.where('rpps', '=', query.rpps)
  if (query.lastName) persons = persons.where('search_last_name', 'like', likePrefix(query.lastName))
  if (query.firstName) persons = persons.where('search_first_name', 'like', likePrefix(query.firstName))
  if (after) {
    persons = persons.where((eb) =>
      eb(
        eb.refTuple('search_last_name', 'search_first_name', 'rpps'),
        '>',
        eb.tuple(after[0], after[1], after[2]),
      ),
    )
  }
  const page = pageOf(await persons.execute(), query.limit, (row) => [
    row.search_last_name,
    row.search_first_name,
    row.rpps,
  ])
  const activities = await activitiesOf(
    db,
    page.items.map((person) => person.rpps),
  )
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((person) => ({
      rpps: person.rpps,
      idType: person.id_type,
      nationalId: person.national_id,
      civility: { code: person.civility_code, label: person.civility_label },
      practiceCivility: { code: person.practice_civility_code, label: person.practice_civility_label },
      lastName: person.last_name,
      firstName: person.first_name,
      activities: (activities.get(person.rpps) ?? []).map(activityView),
    })),
  }
}

async function activitiesOf(db: Executor, rppsList: string[]) {
  const byPerson = new Map<string, Selectable<DirectoryActivitiesTable>[]>()
  if (rppsList.length === 0) return byPerson
  const rows = await db
    .selectFrom('directory_activities')
    .selectAll()
    .where('rpps', 'in', rppsList)
    .orderBy('line')
    .execute()
  for (const row of rows) byPerson.set(row.rpps, [...(byPerson.get(row.rpps) ?? []), row])
  return byPerson
}

const orNull = (value: string) => (value === '' ? null : value)

function activityView(row: Selectable<DirectoryActivitiesTable>) {
  return {
    profession: { code: row.profession_code, label: row.profession_label },
    category: orNull(row.category_code),
    mode: row.mode_code ? { code: row.mode_code, label: row.mode_label } : null,
    structureName: orNull(row.structure_name),
    finess: orNull(row.finess),
    finessLegal: orNull(row.finess_legal),
    siret: orNull(row.siret),
    address: orNull(row.address),
    postalCode: orNull(row.postal_code),
    city: orNull(row.city),
    departmentCode: orNull(row.department_code),
  }
}

export interface EstablishmentQuery {
  q?: string
  finess?: string
  postalCode?: string
  limit: number
  cursor?: string
}

/** Establishments by name prefix, FINESS or postal code. */
export async function searchEstablishments(db: Executor, query: EstablishmentQuery) {
  const after = decodeCursor(query.cursor, ['string', 'string']) as [string, string] | undefined
  let rows = db
    .selectFrom('directory_establishments')
    .selectAll()
    .orderBy('search_name')
    .orderBy('finess')
    .limit(query.limit + 1)
  if (query.q) rows = rows.where('search_name', 'like', likePrefix(query.q))
  if (query.finess) rows = rows.where('finess', '=', query.finess.toUpperCase())
  if (query.postalCode) rows = rows.where('postal_code', '=', query.postalCode)
  if (after)
    rows = rows.where((eb) => eb(eb.refTuple('search_name', 'finess'), '>', eb.tuple(after[0], after[1])))
  const page = pageOf(await rows.execute(), query.limit, (row) => [row.search_name, row.finess])
  return { nextCursor: page.nextCursor, items: page.items.map(establishmentView) }
}

export function establishmentView(row: Selectable<DirectoryEstablishmentsTable>) {
  return {
    finess: row.finess,
    finessLegal: orNull(row.finess_legal),
    name: row.name,
    address: orNull(row.address),
    postalCode: orNull(row.postal_code),
    city: orNull(row.city),
    departmentCode: orNull(row.department_code),
    phone: orNull(row.phone),
    category: row.category_code ? { code: row.category_code, label: row.category_label } : null,
    siret: orNull(row.siret),
    location: row.x === null || row.y === null ? null : { x: row.x, y: row.y, system: 'Lambert-93' as const },
  }
}

export const professionalByRpps = async (db: Executor, rpps: string) =>
  (await searchProfessionals(db, { rpps, limit: 1 })).items[0]

export const establishmentByFiness = (db: Executor, finess: string) =>
  db.selectFrom('directory_establishments').selectAll().where('finess', '=', finess).executeTakeFirst()
