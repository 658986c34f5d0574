import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { notFound } from '../shared/errors.ts'
import { afterKey, decodeCursor, pageOf } from '../shared/pagination.ts'

/** The lab's own view of its correspondent codes, and their deactivation. */

export async function listCorrespondents(
  db: Executor,
  labId: string,
  options: { updatedSince?: string; cursor?: string; limit: number },
) {
  const after = decodeCursor(options.cursor, ['date', 'string'])
  let query = db
    .selectFrom('correspondent_codes as c')
    .leftJoin('lab_centers as lc', 'lc.id', 'c.center_id')
    .select([
      'c.code',
      'c.name',
      'lc.code as center_code',
      'c.active',
      'c.link_status',
      'c.structure_id',
      'c.updated_at',
      'c.deactivated_at',
    ])
    .where('c.lab_id', '=', labId)
    .orderBy('c.updated_at')
    .orderBy('c.code')
    .limit(options.limit + 1)
  if (options.updatedSince) query = query.where('c.updated_at', '>=', new Date(options.updatedSince))
  if (after) query = query.where(afterKey(['c.updated_at', 'c.code'], [new Date(after[0]), after[1]]))
  const page = pageOf(await query.execute(), options.limit, (row) => [row.updated_at.toISOString(), row.code])
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((row) => ({
      code: row.code,
      name: row.name,
      centerCode: row.center_code,
      active: row.active,
      linkStatus: row.link_status,
      structureId: row.structure_id,
      updatedAt: row.updated_at.toISOString(),
      deactivatedAt: row.deactivated_at?.toISOString() ?? null,
    })),
  }
}

/** Deactivates a code; the row (its history) stays. An unknown code of the lab is a 404; an inactive one, nothing. */
export async function deactivateCorrespondent(
  deps: { db: Executor; clock: Clock },
  labId: string,
  code: string,
): Promise<void> {
  const now = deps.clock.now()
  const row = await deps.db
    .updateTable('correspondent_codes')
    .set({ active: false, deactivated_at: now, updated_at: now })
    .where('lab_id', '=', labId)
    .where('code', '=', code)
    .where('active', '=', true)
    .returning('id')
    .executeTakeFirst()
  if (row) return
  const known = await deps.db
    .selectFrom('correspondent_codes')
    .select('id')
    .where('lab_id', '=', labId)
    .where('code', '=', code)
    .executeTakeFirst()
  if (!known) throw notFound('not_found', 'No such correspondent code for this lab.')
}
