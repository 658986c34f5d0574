import type { App } from '../../src/app.ts'
import type { PlaceStatus, RightName } from '../../src/db/schema.ts'
import { anAccount } from './auth.ts'

export type Member = Awaited<ReturnType<typeof anAccount>>

/** A practice place of the account at the structure, written directly (a test-data builder). */
export async function placeAt(
  app: App,
  accountId: string,
  structureId: string,
  status: PlaceStatus = 'confirmed',
) {
  const place = await app.deps.db
    .insertInto('practice_places')
    .values({
      status,
      account_id: accountId,
      structure_id: structureId,
      is_primary: true,
      created_at: app.deps.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return place.id
}

/** A right held by the account at the structure, granted now, written directly (a test-data builder). */
export async function grantRight(
  app: App,
  accountId: string,
  structureId: string,
  name: RightName = 'results',
) {
  await app.deps.db
    .insertInto('rights')
    .values({ account_id: accountId, structure_id: structureId, name, granted_at: app.deps.clock.now() })
    .execute()
}

/** A new active account with a practice place at the structure (confirmed unless said otherwise). */
export async function aMemberAt(
  app: App,
  structureId: string,
  options: Parameters<typeof anAccount>[1] & { place?: PlaceStatus } = {},
): Promise<Member> {
  const person = await anAccount(app, options)
  await placeAt(app, person.id, structureId, options.place)
  return person
}

/** A pending request of the account for rights at the structure, naming its approver, written directly. */
export async function askRights(
  app: App,
  request: { accountId: string; structureId: string; approverId: string; rights: RightName[] },
) {
  const row = await app.deps.db
    .insertInto('access_requests')
    .values({
      account_id: request.accountId,
      structure_id: request.structureId,
      rights: request.rights,
      approver_id: request.approverId,
      status: 'pending',
      created_at: app.deps.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
