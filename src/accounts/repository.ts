import type { Executor } from '../db/schema.ts'
import { practicePlaces } from '../memberships/fragments.ts'

/** How addresses are compared: one address, one account, whatever the case. */
export const addressKey = (address: string) => address.trim().toLowerCase()

/** Accounts with their login address, as sign-in and step-up read them. */
const loginAccounts = (db: Executor) =>
  db
    .selectFrom('account_emails as e')
    .innerJoin('accounts as a', 'a.id', 'e.account_id')
    .select([
      'a.id',
      'a.status',
      'a.password_hash',
      'a.first_name',
      'a.locale',
      'a.totp_confirmed_at',
      'e.address',
    ])
    .where('e.is_login', '=', true)

/** The account that signs in with this address, if any. */
export const accountByLoginAddress = (db: Executor, address: string) =>
  loginAccountWithAddress(db, address).executeTakeFirst()

/** The query of `accountByLoginAddress`, to read within a larger statement (see `verifyPasswordStep`). */
export const loginAccountWithAddress = (db: Executor, address: string) =>
  loginAccounts(db).where('e.address_key', '=', addressKey(address))

/** An account with its login address. */
export const loginAccountById = (db: Executor, accountId: string) =>
  loginAccountWithId(db, accountId).executeTakeFirst()

/** The query of `loginAccountById`, to read within a larger statement. */
export const loginAccountWithId = (db: Executor, accountId: string) =>
  loginAccounts(db).where('a.id', '=', accountId)

export type LoginAccountQuery = ReturnType<typeof loginAccountWithId>

export const accountById = (db: Executor, id: string) =>
  db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()

export const addressInUse = async (db: Executor, address: string) =>
  (await db
    .selectFrom('account_emails')
    .select('id')
    .where('address_key', '=', addressKey(address))
    .executeTakeFirst()) !== undefined

/** Where an account's notifications go: its notification address, and its language. */
export async function notificationTarget(db: Executor, accountId: string) {
  return db
    .selectFrom('account_emails as e')
    .innerJoin('accounts as a', 'a.id', 'e.account_id')
    .select(['e.address', 'a.locale', 'a.first_name'])
    .where('e.account_id', '=', accountId)
    .where('e.is_notification', '=', true)
    .executeTakeFirstOrThrow()
}

/** A person's name as mails show it: first name, then last name. */
export async function accountName(db: Executor, accountId: string) {
  const account = await db
    .selectFrom('accounts')
    .select(['first_name', 'last_name'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return `${account.first_name} ${account.last_name}`
}

/** The address an account signs in with. */
export async function loginAddressOf(db: Executor, accountId: string) {
  const email = await db
    .selectFrom('account_emails')
    .select('address')
    .where('account_id', '=', accountId)
    .where('is_login', '=', true)
    .executeTakeFirstOrThrow()
  return email.address
}

/** Whether this address (compared as `addressKey` does) is one of the account's own. */
export const isOwnAddress = async (db: Executor, accountId: string, address: string) =>
  (await db
    .selectFrom('account_emails')
    .select('id')
    .where('account_id', '=', accountId)
    .where('address_key', '=', addressKey(address))
    .executeTakeFirst()) !== undefined

/**
 * A responsible professional of a structure: an active health professional with a practice place
 * there, named by account id or by RPPS.
 */
export async function responsibleProfessional(
  db: Executor,
  structureId: string,
  who: { id?: string; rpps?: string },
) {
  if (!who.id && !who.rpps) return undefined
  let query = activeProfessionalsAt(db, structureId)
  if (who.id) query = query.where('a.id', '=', who.id)
  if (who.rpps) query = query.where('a.rpps', '=', who.rpps)
  return query.executeTakeFirst()
}

/** The first address of a new account, proven by the way the account came: login and notification address. */
export const insertFirstAddress = (trx: Executor, accountId: string, email: string, now: Date) =>
  trx
    .insertInto('account_emails')
    .values({
      account_id: accountId,
      address: email,
      address_key: addressKey(email),
      is_login: true,
      is_notification: true,
      verified_at: now,
      created_at: now,
    })
    .execute()

/**
 * The active health professionals with a confirmed place at a structure (id, civilities and names): the
 * same people as `responsibleAt` in access/policy.ts.
 */
export const activeProfessionalsAt = (db: Executor, structureId: string) =>
  db
    .selectFrom('accounts as a')
    .innerJoin(practicePlaces.as('p'), 'p.account_id', 'a.id')
    .select(['a.id', 'a.civility', 'a.practice_civility', 'a.first_name', 'a.last_name'])
    .where('p.structure_id', '=', structureId)
    .where('p.status', '=', 'confirmed')
    .where('a.status', '=', 'active')
    .where('a.profile', '=', 'health_professional')

/** Several accounts' names and status, for lists that show people (a mailbox's members). */
export const accountsByIds = (db: Executor, ids: readonly string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('accounts')
        .select(['id', 'status', 'civility', 'first_name', 'last_name'])
        .where('id', 'in', [...new Set(ids)])
        .execute()

/** The address keys an account has proven (every one of its addresses). */
export const addressKeysOf = async (db: Executor, accountId: string) =>
  (
    await db.selectFrom('account_emails').select('address_key').where('account_id', '=', accountId).execute()
  ).map((row) => row.address_key)

/** Whether an account other than `exceptId` holds this RPPS. */
export const rppsHeld = async (db: Executor, rpps: string, exceptId?: string) => {
  let query = db.selectFrom('accounts').select('id').where('rpps', '=', rpps)
  if (exceptId) query = query.where('id', '<>', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}
