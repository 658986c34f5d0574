import { type Insertable, sql } from 'kysely'
import type { Executor, PracticePlacesTable } from '../db/schema.ts'

// The writes of the practice places, and their plain reads, for the areas that decide them (access/,
// accounts/ at registration and validation). Reads that show a place with its structure or centre join
// `practicePlaces` (fragments.ts) in the caller's statement instead.

export type NewPlace = Insertable<PracticePlacesTable>

/** Records places (registration, an account request's workplaces). */
export async function insertPlaces(trx: Executor, places: readonly NewPlace[]) {
  await trx
    .insertInto('practice_places')
    .values([...places])
    .execute()
}

/** Records one place and answers its id. */
export const insertPlace = (trx: Executor, place: NewPlace) =>
  trx.insertInto('practice_places').values(place).returning('id').executeTakeFirstOrThrow()

/** The account's places, oldest first. */
export const placesOf = (db: Executor, accountId: string) =>
  db
    .selectFrom('practice_places')
    .select(['id', 'structure_id', 'is_primary', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

/** One place, as a decision needs it. */
export const placeById = (db: Executor, placeId: string) =>
  db
    .selectFrom('practice_places')
    .select(['id', 'account_id', 'structure_id', 'is_primary'])
    .where('id', '=', placeId)
    .executeTakeFirst()

/** Whether the account has a primary place. */
export const hasPrimaryPlace = async (db: Executor, accountId: string) =>
  (await db
    .selectFrom('practice_places')
    .select('id')
    .where('account_id', '=', accountId)
    .where('is_primary', '=', true)
    .executeTakeFirst()) !== undefined

/** Whether the account has a confirmed place at the structure. */
export const hasConfirmedPlaceAt = async (db: Executor, accountId: string, structureId: string) =>
  (await db
    .selectFrom('practice_places')
    .select('id')
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .where('status', '=', 'confirmed')
    .executeTakeFirst()) !== undefined

/** Confirms the pending places of an account (its validation by the support desk). */
export async function confirmPendingPlaces(trx: Executor, accountId: string, by: string | null, at: Date) {
  await trx
    .updateTable('practice_places')
    .set({ status: 'confirmed', confirmed_by: by, confirmed_at: at })
    .where('account_id', '=', accountId)
    .where('status', '=', 'pending')
    .execute()
}

/** Confirms a place still pending, with one conditional statement: answers whether it was pending. */
export async function confirmPendingPlace(trx: Executor, placeId: string, by: string, at: Date) {
  const confirmed = await trx
    .updateTable('practice_places')
    .set({ status: 'confirmed', confirmed_by: by, confirmed_at: at })
    .where('id', '=', placeId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst()
  return confirmed !== undefined
}

/** Removes a place still pending, with one conditional statement: answers whether it was pending. */
export async function removePendingPlace(trx: Executor, placeId: string) {
  const removed = await trx
    .deleteFrom('practice_places')
    .where('id', '=', placeId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst()
  return removed !== undefined
}

/** Removes a place. */
export async function deletePlace(trx: Executor, placeId: string) {
  await trx.deleteFrom('practice_places').where('id', '=', placeId).execute()
}

/** Moves the primary flag (one per account) to this place: the holder loses it first. */
export async function makePrimary(trx: Executor, accountId: string, placeId: string) {
  await trx
    .updateTable('practice_places')
    .set({ is_primary: false })
    .where('account_id', '=', accountId)
    .where('is_primary', '=', true)
    .where('id', '<>', placeId)
    .execute()
  await trx.updateTable('practice_places').set({ is_primary: true }).where('id', '=', placeId).execute()
}

/** Moves the primary flag to the account's place at this structure: the holder loses it first. */
export async function makePrimaryAt(trx: Executor, accountId: string, structureId: string) {
  await trx
    .updateTable('practice_places')
    .set({ is_primary: false })
    .where('account_id', '=', accountId)
    .where('is_primary', '=', true)
    .execute()
  await trx
    .updateTable('practice_places')
    .set({ is_primary: true })
    .where('account_id', '=', accountId)
    .where('structure_id', '=', structureId)
    .execute()
}

/** The primary flag goes back to the oldest confirmed place (else the oldest): after the primary one went. */
export async function restorePrimary(trx: Executor, accountId: string) {
  await sql`update practice_places set is_primary = true where id = (
    select id from practice_places where account_id = ${accountId}
    order by status = 'confirmed' desc, created_at, id limit 1)`.execute(trx)
}

/** The structures where the account has a confirmed place. */
export const confirmedStructuresOf = async (db: Executor, accountId: string) =>
  (
    await db
      .selectFrom('practice_places')
      .select('structure_id')
      .where('account_id', '=', accountId)
      .where('status', '=', 'confirmed')
      .execute()
  ).map((row) => row.structure_id)
