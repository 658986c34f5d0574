import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { sirenOf } from '../identifiers/rules.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { insertPracticesUnlessKnown, structuresByIdentifiers } from '../structures/repository.ts'
import { departmentOf } from '../structures/service.ts'
import { correspondentProblems, duplicateCodes, invalidItems } from './batch-validation.ts'
import { listedInDirectory } from './links.ts'
import type { CenterItemInput, CorrespondentItemInput } from './schemas.ts'

export interface SyncDeps {
  db: Executor
  clock: Clock
}

export interface SyncResult {
  created: number
  updated: number
  unchanged: number
  /** Codes of the batch waiting for the support desk to link their structure (correspondents only). */
  pendingLink?: number
}

/**
 * Bulk upsert of a lab's centres by code, in one statement: concurrent batches naming the same new
 * code both succeed (the later one updates what the earlier one created), never a duplicate key.
 */
export async function syncCenters(
  deps: SyncDeps,
  labId: string,
  items: CenterItemInput[],
): Promise<SyncResult> {
  const problems = duplicateCodes(items)
  if (problems.length > 0) throw invalidItems(problems)
  const now = deps.clock.now()
  // In code order, so that two batches lock their rows in the same order and never deadlock.
  const sorted = [...items].sort((a, b) => (a.code < b.code ? -1 : 1))
  const column = <T>(pick: (item: CenterItemInput) => T) => sorted.map(pick)
  const { rows } = await sql<{ created: boolean }>`
    insert into lab_centers as c (lab_id, code, name, address, postal_code, city, created_at, updated_at)
    select ${labId}, u.code, u.name, u.address, u.postal_code, u.city, ${now}, ${now}
    from unnest(${column((item) => item.code)}::text[], ${column((item) => item.name)}::text[],
      ${column((item) => item.address ?? null)}::text[], ${column((item) => item.postalCode ?? null)}::text[],
      ${column((item) => item.city ?? null)}::text[]) as u(code, name, address, postal_code, city)
    on conflict (lab_id, code) do update
      set name = excluded.name, address = excluded.address, postal_code = excluded.postal_code,
        city = excluded.city, updated_at = excluded.updated_at
      where (c.name, c.address, c.postal_code, c.city)
        is distinct from (excluded.name, excluded.address, excluded.postal_code, excluded.city)
    returning (xmax = 0) as created`.execute(deps.db)
  return counted(rows, items.length)
}

/**
 * Bulk upsert of a lab's correspondent codes. The batch is checked whole first (nothing is written if
 * any item is bad); structures are matched by FINESS then SIRET, and created when unknown; then the
 * codes are upserted in one statement, so that concurrent batches naming the same new code both
 * succeed. A code for a structure the lab neither creates here (one the national directory does not list) nor already serves waits for the
 * support desk (`pending_link`, see links.ts); so does a code moved to such a structure, and one for a
 * structure created here whose FINESS or SIRET the national directory lists.
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
    // The statement below is estimated dear (look-ups per row that it makes for new or moved codes only):
    // compiling it would take longer than running it.
    await sql`set local jit = off`.execute(trx)
    const { structureOf, created } = await resolveStructures(trx, now, items)
    // A structure created here that the national directory lists is not the lab's own (see links.ts).
    const listed = await listedInDirectory(trx, [...created])
    const owned = [...created].filter((id) => !listed.has(id))
    const rows = items
      .map(
        (item): Row => [
          item.code,
          item.name,
          item.centerCode ? (centerIds.get(item.centerCode) ?? null) : null,
          structureOf(item),
          item.active,
        ],
      )
      // In code order, so that two batches lock their rows in the same order and never deadlock.
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const [codes, names, centerIdsColumn, structures, actives] = columns(rows)
    // One statement. A code that keeps its structure keeps its link (and its decision); a new code, or
    // one moved to another structure, is linked when the lab creates the structure here or already
    // serves it (see links.ts), else waits for the support desk: that is looked up for those codes only.
    // Codes left as they were are not written; the pending ones among them are counted as they stand.
    const { rows: counts } = await sql<{ created: number; written: number; pending: number }>`
      with batch as (
        select u.ordinal, u.code, u.name, u.center_id, u.structure_id, u.active,
          e.structure_id as current_structure, e.link_status as current_link
        from unnest(${codes}::text[], ${names}::text[], ${centerIdsColumn}::uuid[], ${structures}::uuid[],
          ${actives}::boolean[]) with ordinality as u(code, name, center_id, structure_id, active, ordinal)
        left join correspondent_codes e on e.lab_id = ${labId} and e.code = u.code
      ),
      linked as (
        select b.*, case
          when b.structure_id = b.current_structure then b.current_link
          when b.structure_id = any(${owned}::uuid[])
            or exists (select 1 from correspondent_codes c
                       where c.structure_id = b.structure_id and c.lab_id = ${labId} and c.link_status = 'linked')
            or exists (select 1 from ${practicePlaces} p join lab_centers lc on lc.id = p.lab_center_id
                       where p.structure_id = b.structure_id and lc.lab_id = ${labId} and p.status = 'confirmed')
            then 'linked' else 'pending_link' end as link_status
        from batch b
      ),
      written as (
        insert into correspondent_codes as c (lab_id, code, name, center_id, structure_id, active, link_status,
          link_requested_at, created_at, updated_at, deactivated_at)
        select ${labId}, l.code, l.name, l.center_id, l.structure_id, l.active, l.link_status,
          case when l.link_status = 'pending_link' then ${now}::timestamptz end, ${now}, ${now},
          case when l.active then null else ${now}::timestamptz end
        from linked l order by l.ordinal
        on conflict (lab_id, code) do update
          set name = excluded.name, center_id = excluded.center_id, structure_id = excluded.structure_id,
            active = excluded.active, updated_at = excluded.updated_at,
            deactivated_at = case when excluded.active then null when c.active then excluded.updated_at else c.deactivated_at end,
            link_status = case when c.structure_id = excluded.structure_id then c.link_status else excluded.link_status end,
            link_requested_at = case when c.structure_id = excluded.structure_id then c.link_requested_at
              else excluded.link_requested_at end,
            link_decided_by = case when c.structure_id = excluded.structure_id then c.link_decided_by end,
            link_decided_at = case when c.structure_id = excluded.structure_id then c.link_decided_at end,
            link_reason = case when c.structure_id = excluded.structure_id then c.link_reason end
          where (c.name, c.center_id, c.structure_id, c.active)
            is distinct from (excluded.name, excluded.center_id, excluded.structure_id, excluded.active)
        returning c.code, (xmax = 0) as created, c.link_status
      )
      select (select count(*) from written where created)::integer as created,
        (select count(*) from written)::integer as written,
        ((select count(*) from written where link_status = 'pending_link')
          + (select count(*) from batch b where b.current_link = 'pending_link'
               and not exists (select 1 from written w where w.code = b.code)))::integer as pending`.execute(
      trx,
    )
    const { created: inserted, written, pending } = counts[0]!
    return {
      created: inserted,
      updated: written - inserted,
      unchanged: items.length - written,
      pendingLink: pending,
    }
  })
}

/** An upsert returns the rows it inserted (xmax 0) or changed; the others were already so. */
function counted(written: { created: boolean }[], total: number): SyncResult {
  const created = written.filter((row) => row.created).length
  return { created, updated: written.length - created, unchanged: total - written.length }
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

/** Finds or creates the structure of every item: the structure id of an item, and those created here. */
async function resolveStructures(trx: Executor, now: Date, items: CorrespondentItemInput[]) {
  const finessList = [
    ...new Set(items.flatMap((item) => (item.structure.finess ? [item.structure.finess.toUpperCase()] : []))),
  ]
  const siretList = [
    ...new Set(items.flatMap((item) => (item.structure.siret ? [item.structure.siret] : []))),
  ]
  const found = await structuresByIdentifiers(trx, finessList, siretList)
  const byFiness = new Map(found.flatMap((row) => (row.finess ? [[row.finess, row.id]] : [])))
  const bySiret = new Map(found.flatMap((row) => (row.siret ? [[row.siret, row.id]] : [])))
  const lookup = (item: CorrespondentItemInput) =>
    (item.structure.finess && byFiness.get(item.structure.finess.toUpperCase())) ||
    (item.structure.siret && bySiret.get(item.structure.siret)) ||
    undefined

  const missing = new Map<string, CorrespondentItemInput['structure']>()
  const created = new Set<string>()
  for (const item of items) {
    if (lookup(item)) continue
    const key = item.structure.finess?.toUpperCase() ?? `siret:${item.structure.siret}`
    if (!missing.has(key)) missing.set(key, item.structure)
  }
  if (missing.size > 0) {
    // A concurrent batch may create the same structure: the loser of the race takes the winner's
    // row. Created in key order, so that two batches never wait on each other in a cycle.
    const keys = [...missing.keys()].sort()
    const inserted = await insertPracticesUnlessKnown(
      trx,
      keys
        .map((key) => missing.get(key)!)
        .map((structure) => ({
          name: structure.name,
          finess: structure.finess?.toUpperCase() ?? null,
          siret: structure.siret ?? null,
          siren: structure.siret ? sirenOf(structure.siret) : null,
          address: structure.address ?? null,
          postal_code: structure.postalCode ?? null,
          city: structure.city ?? null,
          department_code: departmentOf(structure.postalCode),
        })),
      now,
    )
    for (const row of inserted) created.add(row.id)
    for (const row of await structuresByIdentifiers(trx, finessList, siretList)) {
      if (row.finess) byFiness.set(row.finess, row.id)
      if (row.siret) bySiret.set(row.siret, row.id)
    }
  }
  return { structureOf: (item: CorrespondentItemInput) => lookup(item) as string, created }
}
