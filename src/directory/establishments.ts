import { type Selectable, sql } from 'kysely'
import type { DirectoryEstablishmentsTable, Executor } from '../db/schema.ts'
import { badRequest } from '../shared/errors.ts'
import { afterKey, decodeCursor, pageOf } from '../shared/pagination.ts'
import { prefixQuery, queryWords } from '../shared/word-search.ts'
import { systemView } from './positions.ts'
import { orNull } from './search.ts'
import { wordQuery } from './vocabulary.ts'

export interface EstablishmentQuery {
  /** Words of the name, long name, city or postal code, in any order. */
  q?: string | undefined
  finess?: string | undefined
  postalCode?: string | undefined
  limit: number
  cursor?: string | undefined
}

/** The columns of `directory_establishments`, as the FINESS import writes them. */
export const ESTABLISHMENT_COLUMNS = [
  'finess',
  'finess_legal',
  'name',
  'short_name',
  'search_name',
  'address',
  'postal_code',
  'city',
  'department_code',
  'department_label',
  'phone',
  'category_code',
  'category_label',
  'siret',
  'x',
  'y',
  'geo_source',
  'coordinate_system',
  'latitude',
  'longitude',
  'search_vector',
] as const
/** What the import keeps for itself (the search words among them): the columns an answer does not show. */
const UNSHOWN = ['short_name', 'department_label', 'geo_source', 'search_vector'] as const
type Shown = Exclude<(typeof ESTABLISHMENT_COLUMNS)[number], (typeof UNSHOWN)[number]>
const COLUMNS = ESTABLISHMENT_COLUMNS.filter(
  (column): column is Shown => !(UNSHOWN as readonly string[]).includes(column),
)
export type EstablishmentRow = Pick<Selectable<DirectoryEstablishmentsTable>, Shown>

/** A page's sort key: names holding every word first (0, else 1), then shorter names, then by name. */
type EstablishmentKey = [tier: number, nameLength: number, searchName: string, finess: string]

/**
 * Establishments by the words of `q`, FINESS or postal code, or all at once. Best matches first: every
 * word at a word start of the name before matches in the city or postal code, then shorter names.
 */
export async function searchEstablishments(db: Executor, query: EstablishmentQuery) {
  const words = query.q ? queryWords(query.q) : []
  if (words.length === 0 && !query.finess && !query.postalCode)
    throw badRequest('criteria_required', 'Search by q (words), finess or postalCode.')
  const after = decodeCursor(query.cursor, ['integer', 'integer', 'string', 'string'])
  const match = words.length > 0 ? await wordQuery(db, 'directory_establishment_words', words) : undefined
  if (match === null) return { nextCursor: null, items: [] }
  const tier =
    words.length > 0
      ? sql<number>`case when search_vector @@ to_tsquery('simple', ${prefixQuery(words, 'A')}) then 0 else 1 end`
      : sql<number>`0`
  const nameLength = sql<number>`length(name)`
  let rows = db
    .selectFrom('directory_establishments')
    .select(COLUMNS)
    .select([tier.as('tier'), nameLength.as('name_length')])
    .orderBy('tier')
    .orderBy('name_length')
    .orderBy('search_name')
    .orderBy('finess')
    .limit(query.limit + 1)
  if (match) rows = rows.where(sql<boolean>`search_vector @@ to_tsquery('simple', ${match.indexed})`)
  // ts_match_vq is `@@` that the planner does not take to the index: a filter on the rows found.
  if (match?.filter)
    rows = rows.where(sql<boolean>`ts_match_vq(search_vector, to_tsquery('simple', ${match.filter}))`)
  if (query.finess) rows = rows.where('finess', '=', query.finess.toUpperCase())
  if (query.postalCode) rows = rows.where('postal_code', '=', query.postalCode)
  if (after)
    rows = rows.where(
      afterKey(
        [tier, nameLength, 'search_name', 'finess'],
        [sql`${after[0]}::integer`, sql`${after[1]}::integer`, after[2], after[3]],
      ),
    )
  const page = pageOf(
    await rows.execute(),
    query.limit,
    (row): EstablishmentKey => [Number(row.tier), Number(row.name_length), row.search_name, row.finess],
  )
  return { nextCursor: page.nextCursor, items: page.items.map(establishmentView) }
}

export function establishmentView(row: EstablishmentRow) {
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
    location:
      row.x === null || row.y === null
        ? null
        : {
            x: row.x,
            y: row.y,
            ...systemView(row.coordinate_system ?? ''),
            latitude: row.latitude,
            longitude: row.longitude,
          },
  }
}

export const establishmentByFiness = (db: Executor, finess: string) =>
  db.selectFrom('directory_establishments').select(COLUMNS).where('finess', '=', finess).executeTakeFirst()

/** The sites of a legal entity (EJ), by FINESS, the first 50. */
export const establishmentsOfLegalEntity = (db: Executor, finessLegal: string) =>
  db
    .selectFrom('directory_establishments')
    .select(COLUMNS)
    .where('finess_legal', '=', finessLegal)
    .orderBy('finess')
    .limit(50)
    .execute()

/** The sites whose SIRET lies between `from` and `to`, the first 50 by SIRET. */
export const establishmentsBySiret = (db: Executor, from: string, to: string) =>
  db
    .selectFrom('directory_establishments')
    .select(COLUMNS)
    .where('siret', '>=', from)
    .where('siret', '<=', to)
    .orderBy('siret')
    .limit(50)
    .execute()
