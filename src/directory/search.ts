import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { DirectoryActivitiesTable, DirectoryPersonsTable, Executor } from '../db/schema.ts'
import { badRequest } from '../shared/errors.ts'
import { decodeCursor, pageOf } from '../shared/pagination.ts'
import { prefixQuery, type QueryWord, queryWords } from '../shared/word-search.ts'
import { searchKey } from './search-key.ts'
import { wordQuery } from './vocabulary.ts'

export const likePrefix = (text: string) => `${searchKey(text).replace(/[\\%_]/g, '\\$&')}%`

export interface ProfessionalQuery {
  /** Words of the names, city or structure name, in any order. */
  q?: string | undefined
  lastName?: string | undefined
  firstName?: string | undefined
  rpps?: string | undefined
  limit: number
  cursor?: string | undefined
}

/** A page's sort key: 0 when every word begins a word of the person's names, else 1; then the names. */
type PersonKey = [tier: number, lastName: string, firstName: string, rpps: string]

/**
 * Persons, each once, with their activities: by the words of `q` (names first, then by name), by name
 * prefixes (case and accents ignored), by RPPS, or by all of these at once.
 */
export async function searchProfessionals(db: Executor, query: ProfessionalQuery) {
  const words = query.q ? queryWords(query.q) : []
  if (words.length === 0 && !query.lastName && !query.firstName && !query.rpps)
    throw badRequest('criteria_required', 'Search by q (words), lastName, firstName or rpps.')
  const after = decodeCursor(query.cursor, ['integer', 'string', 'string', 'string']) as PersonKey | undefined
  const keys = words.length > 0 ? await byWords(db, query, words, after) : await byName(db, query, after)
  const page = pageOf(keys, query.limit, (key) => key)
  const rppsList = page.items.map((key) => key[3])
  const [persons, activities] = await Promise.all([personsOf(db, rppsList), activitiesOf(db, rppsList)])
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(([, , , rpps]) => personView(persons.get(rpps)!, activities.get(rpps) ?? [])),
  }
}

/** The name prefixes and RPPS asked for, as conditions on a table with the persons' columns. */
function nameFilters(criteria: ProfessionalQuery) {
  const filters: RawBuilder<boolean>[] = []
  if (criteria.rpps) filters.push(sql`rpps = ${criteria.rpps}`)
  if (criteria.lastName) filters.push(sql`search_last_name like ${likePrefix(criteria.lastName)}`)
  if (criteria.firstName) filters.push(sql`search_first_name like ${likePrefix(criteria.firstName)}`)
  return filters
}

async function byName(db: Executor, query: ProfessionalQuery, after: PersonKey | undefined) {
  let persons = db
    .selectFrom('directory_persons')
    .select(['search_last_name', 'search_first_name', 'rpps'])
    .orderBy('search_last_name')
    .orderBy('search_first_name')
    .orderBy('rpps')
    .limit(query.limit + 1)
  for (const filter of nameFilters(query)) persons = persons.where(filter)
  if (after)
    persons = persons.where((eb) =>
      eb(
        eb.refTuple('search_last_name', 'search_first_name', 'rpps'),
        '>',
        eb.tuple(after[1], after[2], after[3]),
      ),
    )
  const rows = await persons.execute()
  return rows.map((row): PersonKey => [0, row.search_last_name, row.search_first_name, row.rpps])
}

/**
 * A person is found when one of their activity lines holds every word (the line's names, city and
 * structure): the lines are read off their GIN index, then grouped by person.
 */
async function byWords(
  db: Executor,
  query: ProfessionalQuery,
  words: QueryWord[],
  after: PersonKey | undefined,
) {
  const match = await wordQuery(db, 'directory_person_words', words)
  if (!match) return []
  const tier = sql<number>`case when search_vector @@ to_tsquery('simple', ${prefixQuery(words, 'A')}) then 0 else 1 end`
  let lines = db
    .selectFrom('directory_activities')
    .select((eb) => [
      'rpps',
      eb.fn.min(tier).as('tier'),
      eb.fn.min('search_last_name').as('last_key'),
      eb.fn.min('search_first_name').as('first_key'),
    ])
    .where(sql<boolean>`search_vector @@ to_tsquery('simple', ${match.indexed})`)
    .groupBy('rpps')
  for (const filter of nameFilters(query)) lines = lines.where(filter)
  // ts_match_vq is `@@` that the planner does not take to the index: a filter on the lines found.
  if (match.filter)
    lines = lines.where(sql<boolean>`ts_match_vq(search_vector, to_tsquery('simple', ${match.filter}))`)
  let hits = db
    .selectFrom(lines.as('hit'))
    .selectAll()
    .orderBy('tier')
    .orderBy('last_key')
    .orderBy('first_key')
    .orderBy('rpps')
    .limit(query.limit + 1)
  if (after)
    hits = hits.where((eb) =>
      eb(
        eb.refTuple('tier', 'last_key', 'first_key', 'rpps'),
        '>',
        eb.tuple(after[0], after[1], after[2], after[3]),
      ),
    )
  const rows = await hits.execute()
  return rows.map((row): PersonKey => [Number(row.tier), row.last_key, row.first_key, row.rpps])
}

const PERSON_COLUMNS = [
  'rpps',
  'id_type',
  'national_id',
  'civility_code',
  'civility_label',
  'practice_civility_code',
  'practice_civility_label',
  'last_name',
  'first_name',
] as const
type PersonRow = Pick<Selectable<DirectoryPersonsTable>, (typeof PERSON_COLUMNS)[number]>
type ActivityRow = Pick<Selectable<DirectoryActivitiesTable>, (typeof ACTIVITY_COLUMNS)[number]>

async function personsOf(db: Executor, rppsList: string[]) {
  if (rppsList.length === 0) return new Map<string, PersonRow>()
  const rows = await db
    .selectFrom('directory_persons')
    .select(PERSON_COLUMNS)
    .where('rpps', 'in', rppsList)
    .execute()
  return new Map(rows.map((row) => [row.rpps, row]))
}

const ACTIVITY_COLUMNS = [
  'rpps',
  'profession_code',
  'profession_label',
  'category_code',
  'mode_code',
  'mode_label',
  'structure_name',
  'finess',
  'finess_legal',
  'siret',
  'address',
  'postal_code',
  'city',
  'department_code',
] as const

async function activitiesOf(db: Executor, rppsList: string[]) {
  const byPerson = new Map<string, ActivityRow[]>()
  if (rppsList.length === 0) return byPerson
  const rows = await db
    .selectFrom('directory_activities')
    .select(ACTIVITY_COLUMNS)
    .where('rpps', 'in', rppsList)
    .orderBy('line')
    .execute()
  for (const row of rows) byPerson.set(row.rpps, [...(byPerson.get(row.rpps) ?? []), row])
  return byPerson
}

export const orNull = (value: string) => (value === '' ? null : value)

function personView(person: PersonRow, activities: ActivityRow[]) {
  return {
    rpps: person.rpps,
    idType: person.id_type,
    nationalId: person.national_id,
    civility: { code: person.civility_code, label: person.civility_label },
    practiceCivility: { code: person.practice_civility_code, label: person.practice_civility_label },
    lastName: person.last_name,
    firstName: person.first_name,
    activities: activities.map(activityView),
  }
}

function activityView(row: ActivityRow) {
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

export const professionalByRpps = async (db: Executor, rpps: string) =>
  (await searchProfessionals(db, { rpps, limit: 1 })).items[0]
