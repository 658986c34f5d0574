import { type Selectable, sql } from 'kysely'
import { jsonList } from '../db/json.ts'
import type { DirectoryActivitiesTable, DirectoryPersonsTable, Executor } from '../db/schema.ts'
import { badRequest } from '../shared/errors.ts'
import { afterKey, decodeCursor, pageOf } from '../shared/pagination.ts'
import { prefixQuery, type QueryWord, queryWords } from '../shared/word-search.ts'
import { searchKey } from './search-key.ts'
import { wordQuery } from './vocabulary.ts'

const likePrefix = (text: string) => `${searchKey(text).replace(/[\\%_]/g, '\\$&')}%`

export interface ProfessionalQuery {
  /** Words of the names, or of the cities and structures of the activities, in any order. */
  q?: string | undefined
  lastName?: string | undefined
  firstName?: string | undefined
  rpps?: string | undefined
  limit: number
  cursor?: string | undefined
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

/** A page's sort key: 0 when every word begins a word of the person's names, else 1; then the names. */
type PersonKey = [tier: number, lastName: string, firstName: string, rpps: string]

/** A person's columns, as the search answers them (the import adds their words). */
export const PERSON_COLUMNS = [
  'rpps',
  'id_type',
  'national_id',
  'civility_code',
  'civility_label',
  'practice_civility_code',
  'practice_civility_label',
  'last_name',
  'first_name',
  'search_last_name',
  'search_first_name',
] as const
type PersonRow = Pick<Selectable<DirectoryPersonsTable>, (typeof PERSON_COLUMNS)[number]>
type ActivityRow = Pick<Selectable<DirectoryActivitiesTable>, (typeof ACTIVITY_COLUMNS)[number]>

/** The sort key of people but their tier: names, then RPPS. */
const NAME_KEY = ['search_last_name', 'search_first_name', 'rpps'] as const

/**
 * Persons, each once, with their activities: by the words of `q` (names first, then by name), by name
 * prefixes (case and accents ignored), by RPPS, or by all of these at once.
 */
export async function searchProfessionals(db: Executor, query: ProfessionalQuery) {
  const words = query.q ? queryWords(query.q) : []
  if (words.length === 0 && !query.lastName && !query.firstName && !query.rpps)
    throw badRequest('criteria_required', 'Search by q (words), lastName, firstName or rpps.')
  const after = decodeCursor(query.cursor, ['integer', 'string', 'string', 'string'])
  const persons = await findPersons(db, query, words, after)
  const page = pageOf(
    persons,
    query.limit,
    (row): PersonKey => [Number(row.tier), row.search_last_name, row.search_first_name, row.rpps],
  )
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((person) => personView(person, person.activities)),
  }
}

/**
 * A page of persons and their sort keys. By words: each person's words (their names, and the cities
 * and structures of their activities) are read off the GIN index of `directory_persons.search_vector`;
 * else by name prefixes, off the names' index.
 */
async function findPersons(
  db: Executor,
  query: ProfessionalQuery,
  words: QueryWord[],
  after: PersonKey | undefined,
): Promise<(PersonRow & { tier: number; activities: ActivityRow[] })[]> {
  const match = words.length > 0 ? await wordQuery(db, 'directory_person_words', words) : undefined
  if (match === null) return []
  const tier =
    words.length > 0
      ? sql<number>`case when search_vector @@ to_tsquery('simple', ${prefixQuery(words, 'A')}) then 0 else 1 end`
      : sql<number>`0`
  let persons = db
    .selectFrom('directory_persons')
    .select(PERSON_COLUMNS)
    .select(tier.as('tier'))
    // Each person's activities with the page, in the same statement.
    .select(
      jsonList(
        sql`select json_agg(x order by x.line) from (select line, ${sql.raw(ACTIVITY_COLUMNS.join(', '))}
          from directory_activities where rpps = directory_persons.rpps) x`,
      ).as('activities'),
    )
    .limit(query.limit + 1)
  if (words.length > 0) persons = persons.orderBy('tier')
  persons = persons.orderBy('search_last_name').orderBy('search_first_name').orderBy('rpps')
  if (match) persons = persons.where(sql<boolean>`search_vector @@ to_tsquery('simple', ${match.indexed})`)
  // ts_match_vq is `@@` that the planner does not take to the index: a filter on the persons found.
  if (match?.filter)
    persons = persons.where(sql<boolean>`ts_match_vq(search_vector, to_tsquery('simple', ${match.filter}))`)
  if (query.rpps) persons = persons.where('rpps', '=', query.rpps)
  if (query.lastName) persons = persons.where('search_last_name', 'like', likePrefix(query.lastName))
  if (query.firstName) persons = persons.where('search_first_name', 'like', likePrefix(query.firstName))
  if (after) {
    const [tierAfter, ...namesAfter] = after
    persons = persons.where(
      words.length > 0
        ? afterKey([tier, ...NAME_KEY], [sql`${tierAfter}::integer`, ...namesAfter])
        : afterKey(NAME_KEY, namesAfter),
    )
  }
  return (await persons.execute()) as (PersonRow & { tier: number; activities: ActivityRow[] })[]
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
