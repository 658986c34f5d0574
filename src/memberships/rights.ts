import type { Insertable } from 'kysely'
import type { Executor, RightName, RightsTable } from '../db/schema.ts'

// The writes of the sensitive rights, and their plain reads. Reads that show a right with its holder or
// structure join `rightGrants` (fragments.ts) in the caller's statement instead.

/** Grants rights outright (a professional's own, at registration). */
export async function insertRights(trx: Executor, rights: readonly Insertable<RightsTable>[]) {
  await trx
    .insertInto('rights')
    .values([...rights])
    .execute()
}

/** Grants a right unless it is held already: answers whether it was granted now. */
export async function grantRight(trx: Executor, right: Insertable<RightsTable>) {
  const inserted = await trx
    .insertInto('rights')
    .values(right)
    .onConflict((oc) =>
      oc.columns(['account_id', 'structure_id', 'name']).where('revoked_at', 'is', null).doNothing(),
    )
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

/** Withdraws one right held at a structure: answers whether it was held. */
export async function revokeHeldRight(
  trx: Executor,
  held: { accountId: string; structureId: string; name: RightName },
  by: string,
  at: Date,
) {
  const revoked = await trx
    .updateTable('rights')
    .set({ revoked_at: at, revoked_by: by })
    .where('account_id', '=', held.accountId)
    .where('structure_id', '=', held.structureId)
    .where('name', '=', held.name)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return revoked !== undefined
}

/** Withdraws every right held at a structure: answers their names. */
export async function revokeRightsAt(
  trx: Executor,
  accountId: string,
  structureId: string,
  by: string | null,
  at: Date,
) {
  const revoked = await trx
    .updateTable('rights')
    .set({ revoked_at: at, revoked_by: by })
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('revoked_at', 'is', null)
    .returning('name')
    .execute()
  return revoked.map((row): RightName => row.name)
}

/** The names of the rights held at a structure. */
export const rightsHeldAt = async (db: Executor, accountId: string, structureId: string) =>
  (
    await db
      .selectFrom('rights')
      .select('name')
      .where('account_id', '=', accountId)
      .where('structure_id', '=', structureId)
      .where('revoked_at', 'is', null)
      .execute()
  ).map((row) => row.name)

/** Every right the account holds, at every structure. */
export const rightsHeld = (db: Executor, accountId: string) =>
  db
    .selectFrom('rights')
    .select(['structure_id', 'name'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute()
