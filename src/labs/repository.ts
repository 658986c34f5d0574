import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'
import { structureSummaries } from '../structures/fragments.ts'

/** Every lab with its centres, for the registration form. */
export async function labsWithCenters(db: Executor) {
  const [labs, centers] = await Promise.all([
    db.selectFrom('labs').select(['id', 'name', 'requires_correspondent_code']).orderBy('name').execute(),
    db
      .selectFrom('lab_centers')
      .select(['id', 'lab_id', 'code', 'name', 'address', 'postal_code', 'city'])
      .orderBy('name')
      .execute(),
  ])
  return labs.map((lab) => ({
    id: lab.id,
    name: lab.name,
    requiresCorrespondentCode: lab.requires_correspondent_code,
    centers: centers
      .filter((center) => center.lab_id === lab.id)
      .map((center) => ({
        id: center.id,
        code: center.code,
        name: center.name,
        address: center.address,
        postalCode: center.postal_code,
        city: center.city,
      })),
  }))
}

export const labById = (db: Executor, id: string) =>
  db.selectFrom('labs').selectAll().where('id', '=', id).executeTakeFirst()

/**
 * The lab, centre and structure behind a correspondent code that works (active, its link standing), in
 * one query whether or not it exists, so that known, unknown and held codes answer alike.
 */
export async function lookupCorrespondentCode(db: Executor, code: string, labId: string | undefined) {
  const { rows } = await sql<{
    code: string
    lab_id: string
    lab_name: string
    center_id: string | null
    center_code: string | null
    center_name: string | null
    structure_id: string
    structure_name: string
    city: string | null
    finess: string | null
    siret: string | null
  }>`
    select c.code, l.id as lab_id, l.name as lab_name, lc.id as center_id, lc.code as center_code,
           lc.name as center_name, s.id as structure_id, s.name as structure_name, s.city, s.finess, s.siret
    from correspondent_codes c
    join labs l on l.id = c.lab_id
    join ${structureSummaries} s on s.id = c.structure_id
    left join lab_centers lc on lc.id = c.center_id
    where c.code = ${code} and c.usable and (${labId ?? null}::text is null or c.lab_id = ${labId ?? null})
    order by c.lab_id
    limit 2`.execute(db)
  return rows
}

/** The labs among these ids, for an area that checks the labs it names. */
export const labsByIds = (db: Executor, ids: readonly string[]) =>
  db.selectFrom('labs').select('id').where('id', 'in', ids).execute()

/** A lab centre and its lab. */
export const labCenterById = (db: Executor, id: string) =>
  db.selectFrom('lab_centers').select(['id', 'lab_id']).where('id', '=', id).executeTakeFirst()

/**
 * Whether this usable correspondent code is the structure's (and `labId`'s, when given): who gives it
 * belongs to the practice.
 */
export async function isUsableCodeOf(db: Executor, structureId: string, code: string, labId?: string) {
  const codes = db
    .selectFrom('correspondent_codes')
    .select('id')
    .where('structure_id', '=', structureId)
    .where('code', '=', code)
    .where('usable', '=', true)
  const found = await (labId === undefined ? codes : codes.where('lab_id', '=', labId)).executeTakeFirst()
  return found !== undefined
}
