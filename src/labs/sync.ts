import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { sirenOf } from '../identifiers/rules.ts'
import { departmentOf } from '../structures/service.ts'
import { correspondentProblems, duplicateCodes, invalidItems } from './batch-validation.ts'
import { type LinkStatus, servedStructures } from './links.ts'
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
 * codes are inserted and updated set-wise, each kind in one statement. A code for a structure the lab
 * neither creates here nor already serves waits for the support desk (`pending_link`, see links.ts);
 * so does a code moved to such a structure.
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
    const { structureOf, created } = await resolveStructures(trx, now, items)
    const named = [...new Set(items.map(structureOf))]
    const served = await servedStructures(
      trx,
      labId,
      named.filter((id) => !created.has(id)),
    )
    const linkFor = (structureId: string): LinkStatus =>
      created.has(structureId) || served.has(structureId) ? 'linked' : 'pending_link'
    const existing = new Map(
      (
        await trx
          .selectFrom('correspondent_codes')
          .select(['code', 'name', 'center_id', 'structure_id', 'active', 'link_status'])
          .where('lab_id', '=', labId)
          .where('code', '=', sql<string>`any(${items.map((item) => item.code)}::text[])`)
          .execute()
      ).map((row) => [row.code, row]),
    )
    const inserts: Row[] = []
    const updates: Row[] = []
    let unchanged = 0
    let pendingLink = 0
    for (const item of items) {
      const structureId = structureOf(item)
      const current = existing.get(item.code)
      // The link is decided again only when the code names another structure.
      const link =
        current && current.structure_id === structureId ? current.link_status : linkFor(structureId)
      if (link === 'pending_link') pendingLink += 1
      const row: Row = [
        item.code,
        item.name,
        item.centerCode ? (centerIds.get(item.centerCode) ?? null) : null,
        structureId,
        item.active,
        link,
      ]
      if (!current) inserts.push(row)
      else if (
        same(row, [
          current.code,
          current.name,
          current.center_id,
          current.structure_id,
          current.active,
          current.link_status,
        ])
      )
        unchanged += 1
      else updates.push(row)
    }
    if (inserts.length > 0) {
      const [codes, names, centerIdsColumn, structures, actives, statuses] = columns(inserts)
      await sql`
        insert into correspondent_codes (lab_id, code, name, center_id, structure_id, active, link_status,
          link_requested_at, created_at, updated_at, deactivated_at)
        select ${labId}, u.code, u.name, u.center_id, u.structure_id, u.active, u.link_status,
          case when u.link_status = 'pending_link' then ${now}::timestamptz end, ${now}, ${now},
          case when u.active then null else ${now}::timestamptz end
        from unnest(${codes}::text[], ${names}::text[], ${centerIdsColumn}::uuid[], ${structures}::uuid[],
          ${actives}::boolean[], ${statuses}::text[])
          as u(code, name, center_id, structure_id, active, link_status)`.execute(trx)
    }
    if (updates.length > 0) {
      const [uCodes, uNames, uCenters, uStructures, uActives, uStatuses] = columns(updates)
      // A code moved to another structure starts its link afresh; otherwise the link is kept.
      await sql`
        update correspondent_codes c set name = u.name, center_id = u.center_id, structure_id = u.structure_id,
          active = u.active, updated_at = ${now},
          deactivated_at = case when u.active then null when c.active then ${now}::timestamptz else c.deactivated_at end,
          link_status = u.link_status,
          link_requested_at = case when c.structure_id = u.structure_id then c.link_requested_at
            when u.link_status = 'pending_link' then ${now}::timestamptz end,
          link_decided_by = case when c.structure_id = u.structure_id then c.link_decided_by end,
          link_decided_at = case when c.structure_id = u.structure_id then c.link_decided_at end,
          link_reason = case when c.structure_id = u.structure_id then c.link_reason end
        from unnest(${uCodes}::text[], ${uNames}::text[], ${uCenters}::uuid[], ${uStructures}::uuid[],
          ${uActives}::boolean[], ${uStatuses}::text[])
          as u(code, name, center_id, structure_id, active, link_status)
        where c.lab_id = ${labId} and c.code = u.code`.execute(trx)
    }
    return { created: inserts.length, updated: updates.length, unchanged, pendingLink }
  })
}

type Row = [
  code: string,
  name: string,
  centerId: string | null,
  structureId: string,
  active: boolean,
  link: LinkStatus,
]

const columns = (rows: Row[]) =>
  [0, 1, 2, 3, 4, 5].map((index) => rows.map((row) => row[index])) as [
    string[],
    string[],
    (string | null)[],
    string[],
    boolean[],
    LinkStatus[],
  ]

/** Finds or creates the structure of every item: the structure id of an item, and those created here. */
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
  const created = new Set<string>()
  for (const item of items) {
    if (lookup(item)) continue
    const key = item.structure.finess?.toUpperCase() ?? `siret:${item.structure.siret}`
    if (!missing.has(key)) missing.set(key, item.structure)
  }
  if (missing.size > 0) {
    const rows = await trx
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
    for (const row of rows) {
      created.add(row.id)
      if (row.finess) byFiness.set(row.finess, row.id)
      if (row.siret) bySiret.set(row.siret, row.id)
    }
  }
  return { structureOf: (item: CorrespondentItemInput) => lookup(item) as string, created }
}
