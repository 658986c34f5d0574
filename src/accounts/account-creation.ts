import type { Insertable, Updateable } from 'kysely'
import type { AccountsTable, Executor } from '../db/schema.ts'
import { insertFirstAddress } from './repository.ts'

/** What a new account is made of; its timestamps (created, terms accepted) are the creation's. */
export type NewAccount = Omit<Insertable<AccountsTable>, 'created_at' | 'updated_at' | 'terms_accepted_at'>

/**
 * Creates an account and its first address (login and notification, proven by the way the account
 * came), in the caller's transaction. The one way accounts are created: registration, the support
 * desk's agents, and account requests fulfilled by the support desk.
 */
export async function createAccount(trx: Executor, now: Date, account: NewAccount, email: string) {
  const created = await trx
    .insertInto('accounts')
    .values({ ...account, terms_accepted_at: now, created_at: now, updated_at: now })
    .returning(['id', 'locale'])
    .executeTakeFirstOrThrow()
  await insertFirstAddress(trx, created.id, email, now)
  return created
}

/** What the support desk may change of a person's identity on an account request. */
export type RequestedIdentity = Pick<
  Updateable<AccountsTable>,
  'first_name' | 'last_name' | 'profile' | 'rpps' | 'profession_code'
>

/** Updates an existing account's names (and, made a professional's, its profile, RPPS and profession). */
export async function updateIdentity(
  trx: Executor,
  now: Date,
  accountId: string,
  identity: RequestedIdentity,
) {
  await trx
    .updateTable('accounts')
    .set({ ...identity, updated_at: now })
    .where('id', '=', accountId)
    .execute()
}
