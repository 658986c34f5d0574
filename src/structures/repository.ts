import { type Insertable, type Selectable, sql } from 'kysely'
import type { Executor, StructuresTable } from '../db/schema.ts'
import { afterKey, decodeCursor, pageOf } from '../shared/pagination.ts'
import { matchesWords, queryWords } from '../shared/word-search.ts'

export type StructureRow = Selectable<StructuresTable>

export function structureView(row: StructureRow) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    finess: row.finess,
    finessLegal: row.finess_legal,
    siret: row.siret,
    siren: row.siren,
    address: row.address,
    postalCode: row.postal_code,
    city: row.city,
    departmentCode: row.department_code,
    region: row.region,
    phones: row.phones,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export const structureById = (db: Executor, id: string) =>
  db.selectFrom('structures').selectAll().where('id', '=', id).executeTakeFirst()

/** The structure known by this FINESS (site), else by this SIRET. */
export async function findStructure(db: Executor, ids: { finess?: string | null; siret?: string | null }) {
  if (ids.finess) {
    const byFiness = await db
      .selectFrom('structures')
      .selectAll()
      .where('finess', '=', ids.finess)
      .executeTakeFirst()
    if (byFiness) return byFiness
  }
  if (ids.siret)
    return db.selectFrom('structures').selectAll().where('siret', '=', ids.siret).executeTakeFirst()
  return undefined
}

export async function listStructures(db: Executor, options: { q?: string; cursor?: string; limit: number }) {
  const after = decodeCursor(options.cursor, ['string', 'uuid'])
  let query = db
    .selectFrom('structures')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(options.limit + 1)
  const q = options.q?.trim()
  if (q) {
    const words = queryWords(q)
    // The expression of the `structures_words` index.
    const searched = sql`search_words(name || ' ' || coalesce(city, '') || ' ' || coalesce(postal_code, ''))`
    query = query.where((eb) =>
      eb.or([
        ...(words.length > 0 ? [matchesWords(searched, words)] : []),
        eb('finess', '=', q.toUpperCase()),
        eb('siret', '=', q),
      ]),
    )
  }
  if (after) query = query.where(afterKey(['name', 'id'], after))
  return pageOf(await query.execute(), options.limit, (row) => [row.name, row.id])
}

/** The structures among these ids (id, name, city), for an area that names or checks them. */
export const structuresByIds = (db: Executor, ids: readonly string[]) =>
  db.selectFrom('structures').select(['id', 'name', 'city']).where('id', 'in', ids).execute()

/** A structure's name, for an email; the structure is known to exist. */
export const structureName = async (db: Executor, id: string) =>
  (await db.selectFrom('structures').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name

/** The structures known by any of these FINESS or SIRET numbers (a lab's batch naming its structures). */
export const structuresByIdentifiers = (db: Executor, finessList: string[], siretList: string[]) =>
  db
    .selectFrom('structures')
    .select(['id', 'finess', 'siret'])
    .where((eb) =>
      eb.or([
        eb('finess', '=', sql<string>`any(${finessList}::text[])`),
        eb('siret', '=', sql<string>`any(${siretList}::text[])`),
      ]),
    )
    .execute()

/** A practice that a lab names and the service does not know yet. */
export type NewPractice = Pick<
  Insertable<StructuresTable>,
  'name' | 'finess' | 'siret' | 'siren' | 'address' | 'postal_code' | 'city' | 'department_code'
>

/**
 * Creates these practices, in the order given, each unless one holds its FINESS or SIRET already (a
 * concurrent creation wins: the caller reads the winner's row): answers the ids of those created now.
 * One statement whatever their number, from one array a column: a row of parameters each would pass
 * PostgreSQL's limit of 65,535 parameters past some 6,000 practices.
 */
export async function insertPracticesUnlessKnown(trx: Executor, practices: readonly NewPractice[], at: Date) {
  const column = (key: keyof NewPractice) => practices.map((practice) => practice[key] ?? null)
  const { rows } = await sql<{ id: string }>`
    insert into structures (kind, name, finess, siret, siren, address, postal_code, city, department_code,
      created_at, updated_at)
    select 'practice', name, finess, siret, siren, address, postal_code, city, department_code, ${at}, ${at}
    from unnest(${column('name')}::text[], ${column('finess')}::text[], ${column('siret')}::text[],
      ${column('siren')}::text[], ${column('address')}::text[], ${column('postal_code')}::text[],
      ${column('city')}::text[], ${column('department_code')}::text[])
      with ordinality as practice (name, finess, siret, siren, address, postal_code, city, department_code, n)
    order by n
    on conflict do nothing
    returning id`.execute(trx)
  return rows
}
