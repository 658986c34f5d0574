import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { sirenOf } from '../identifiers/rules.ts'
import { decodeCursor, pageOf } from '../shared/pagination.ts'
import { departmentOf } from '../structures/service.ts'
import { correspondentProblems, duplicateCodes, invalidItems } from './batch-validation.ts'
import type { CenterItemInput, CorrespondentItemInput } from './schemas.ts'

export interface SyncDeps {
  db: Executor
  clock: Clock
}

export interface SyncResult {
  created: number
  updated: number
  unchanged: number
}

const same = (a: unknown[], b: unknown[]) => a.every((value, index) => value === b[index])

/** Bulk upsert of a lab's centres by code. */
export async function syncCenters(
  deps: SyncDeps,
  labId: string,
  items: CenterItemInput[],
): Promise<SyncResult> {
  const problems = duplicateCodes(items)
  if (problems.length > 0) throw invalidItems(problems)
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const existing = new Map(
      (await trx.selectFrom('lab_centers').selectAll().where('lab_id', '=', labId).execute()).map((row) => [
        row.code,
        row,
      ]),
    )
    const result: SyncResult = { created: 0, updated: 0, unchanged: 0 }
    for (const item of items) {
      const values = {
        name: item.name,
        address: item.address ?? null,
        postal_code: item.postalCode ?? null,
        city: item.city ?? null,
      }
      const row = existing.get(item.code)
      if (!row) {
        await trx
          .insertInto('lab_centers')
          .values({ lab_id: labId, code: item.code, ...values, created_at: now, updated_at: now })
          .execute()
        result.created += 1
      } else if (same(Object.values(values), [row.name, row.address, row.postal_code, row.city])) {
        result.unchanged += 1
      } else {
        await trx
          .updateTable('lab_centers')
          .set({ ...values, updated_at: now })
          .where('id', '=', row.id)
          .execute()
        result.updated += 1
      }
    }
    return result
  })
}

/**
 * Bulk upsert of a lab's correspondent codes. The batch is checked whole first (nothing is written if
 * any item is bad); structures are matched by FINESS then SIRET, and created when unknown; then the
 * codes are inserted and updated set-wise, each kind in one statement.
 */
export async function syncCorrespondents(
  deps: SyncDeps,
  labId: string,
  items: CorrespondentItemInput[],
): Promise<SyncResult> {
  const centers = await deps.db
    .selectFrom('lab_centers')
    .select(['id', 'code'])
    .where('lab_id', '=', labId)
    .execute()
  const centerIds = new Map(centers.map((center) => [center.code, center.id]))
  const problems = correspondentProblems(items, new Set(centerIds.keys()))
  if (problems.length > 0) throw invalidItems(problems)

  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const structureIds = await resolveStructures(trx, now, items)
    const existing = new Map(
      (
        await trx
          .selectFrom('correspondent_codes')
          .select(['code', 'name', 'center_id', 'structure_id', 'active'])
          .where('lab_id', '=', labId)
          .where('code', '=', sql<string>`any(${items.map((item) => item.code)}::text[])`)
          .execute()
      ).map((row) => [row.code, row]),
    )
    const inserts: Row[] = []
    const updates: Row[] = []
    let unchanged = 0
    for (const item of items) {
      const row: Row = [
        item.code,
        item.name,
        item.centerCode ? (centerIds.get(item.centerCode) ?? null) : null,
        structureIds(item),
        item.active,
      ]
      const current = existing.get(item.code)
      if (!current) inserts.push(row)
      else if (
        same(row, [current.code, current.name, current.center_id, current.structure_id, current.active])
      )
        unchanged += 1
      else updates.push(row)
    }
    const [codes, names, centerIdsColumn, structures, actives] = columns(inserts)
    if (inserts.length > 0) {
      await sql`
        insert into correspondent_codes (lab_id, code, name, center_id, structure_id, active, created_at, updated_at, deactivated_at)
        select ${labId}, u.code, u.name, u.center_id, u.structure_id, u.active, ${now}, ${now}, case when u.active then null else ${now}::timestamptz end
        from unnest(${codes}::text[], ${names}::text[], ${centerIdsColumn}::uuid[], ${structures}::uuid[], ${actives}::boolean[])
          as u(code, name, center_id, structure_id, active)`.execute(trx)
    }
    if (updates.length > 0) {
      const [uCodes, uNames, uCenters, uStructures, uActives] = columns(updates)
      await sql`
        update correspondent_codes c set name = u.name, center_id = u.center_id, structure_id = u.structure_id,
          active = u.active, updated_at = ${now},
          deactivated_at = case when u.active then null when c.active then ${now}::timestamptz else c.deactivated_at end
        from unnest(${uCodes}::text[], ${uNames}::text[], ${uCenters}::uuid[], ${uStructures}::uuid[], ${uActives}::boolean[])
          as u(code, name, center_id, structure_id, active)
        where c.lab_id = ${labId} and c.code = u.code`.execute(trx)
    }
    return { created: inserts.length, updated: updates.length, unchanged }
  })
}

type Row = [code: string, name: string, centerId: string | null, structureId: string, active: boolean]

const columns = (rows: Row[]) =>
  [0, 1, 2, 3, 4].map((index) => rows.map((row) => row[index])) as [
    string[],
    string[],
    (string | null)[],
    string[],
    boolean[],
  ]

/** Finds or creates the structure of every item; returns the structure id of an item. */
async function resolveStructures(trx: Executor, now: Date, items: CorrespondentItemInput[]) {
  const finessList = [
    ...new Set(items.flatMap((item) => (item.structure.finess ? [item.structure.finess.toUpperCase()] : []))),
  ]
  const siretList = [
    ...new Set(items.flatMap((item) => (item.structure.siret ? [item.structure.siret] : []))),
  ]
  const found = await trx
    .selectFrom('structures')
    .select(['id', 'finess', 'siret'])
    .where((eb) =>
      eb.or([
        eb('finess', '=', sql<string>`any(${finessList}::text[])`),
        eb('siret', '=', sql<string>`any(${siretList}::text[])`),
      ]),
    )
    .execute()
  const byFiness = new Map(found.flatMap((row) => (row.finess ? [[row.finess, row.id]] : [])))
  const bySiret = new Map(found.flatMap((row) => (row.siret ? [[row.siret, row.id]] : [])))
  const lookup = (item: CorrespondentItemInput) =>
    (item.structure.finess && byFiness.get(item.structure.finess.toUpperCase())) ||
    (item.structure.siret && bySiret.get(item.structure.siret)) ||
    undefined

  const missing = new Map<string, CorrespondentItemInput['structure']>()
  for (const item of items) {
    if (lookup(item)) continue
    const key = item.structure.finess?.toUpperCase() ?? `siret:${item.structure.siret}`
    if (!missing.has(key)) missing.set(key, item.structure)
  }
  if (missing.size > 0) {
    const created = await trx
      .insertInto('structures')
      .values(
        [...missing.values()].map((structure) => ({
          kind: 'practice' as const,
          name: structure.name,
          finess: structure.finess?.toUpperCase() ?? null,
          siret: structure.siret ?? null,
          siren: structure.siret ? sirenOf(structure.siret) : null,
          address: structure.address ?? null,
          postal_code: structure.postalCode ?? null,
          city: structure.city ?? null,
          department_code: departmentOf(structure.postalCode),
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'finess', 'siret'])
      .execute()
    for (const row of created) {
      if (row.finess) byFiness.set(row.finess, row.id)
      if (row.siret) bySiret.set(row.siret, row.id)
    }
  }
  return (item: CorrespondentItemInput) => lookup(item) as string
}

export async function listCorrespondents(
  db: Executor,
  labId: string,
  options: { updatedSince?: string; cursor?: string; limit: number },
) {
  const after = decodeCursor(options.cursor, ['date', 'string']) as [string, string] | undefined
  let query = db
    .selectFrom('correspondent_codes as c')
    .leftJoin('lab_centers as lc', 'lc.id', 'c.center_id')
    .select([
      'c.code',
      'c.name',
      'lc.code as center_code',
      'c.active',
      'c.structure_id',
      'c.updated_at',
      'c.deactivated_at',
    ])
    .where('c.lab_id', '=', labId)
    .orderBy('c.updated_at')
    .orderBy('c.code')
    .limit(options.limit + 1)
  if (options.updatedSince) query = query.where('c.updated_at', '>=', new Date(options.updatedSince))
  if (after) {
    const at = new Date(after[0])
    query = query.where((eb) =>
      eb.or([
        eb('c.updated_at', '>', at),
        eb.and([eb('c.updated_at', '=', at), eb('c.code', '>', after[1])]),
      ]),
    )
  }
  const page = pageOf(await query.execute(), options.limit, (row) => [row.updated_at.toISOString(), row.code])
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((row) => ({
      code: row.code,
      name: row.name,
      centerCode: row.center_code,
      active: row.active,
      structureId: row.structure_id,
      updatedAt: row.updated_at.toISOString(),
      deactivatedAt: row.deactivated_at?.toISOString() ?? null,
    })),
  }
}

/** Deactivates a code; the row (its history) stays. */
export async function deactivateCorrespondent(deps: SyncDeps, labId: string, code: string): Promise<boolean> {
  const now = deps.clock.now()
  const row = await deps.db
    .updateTable('correspondent_codes')
    .set({ active: false, deactivated_at: now, updated_at: now })
    .where('lab_id', '=', labId)
    .where('code', '=', code)
    .where('active', '=', true)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}
