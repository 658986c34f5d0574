import { type Selectable, sql } from 'kysely'
import type { AccountsTable } from '../db/schema.ts'

// What other areas join of the accounts, written here so that accounts alone names its tables. Each is
// a subquery that PostgreSQL pulls up into the caller's statement: the plan is the one of a join on
// the table. Join one under an alias, `.innerJoin(accountSummaries.as('a'), 'a.id', 'p.account_id')`,
// or in SQL text, `join ${activeProfessionals} ra on ra.id = p.account_id`.

type Account = Selectable<AccountsTable>
export type AccountSummary = Pick<
  Account,
  | 'id'
  | 'status'
  | 'profile'
  | 'civility'
  | 'practice_civility'
  | 'first_name'
  | 'last_name'
  | 'account_title'
  | 'rpps'
  | 'locale'
>

/** Every account as other areas show it: who the person is, never a secret. */
export const accountSummaries = sql<AccountSummary>`(select id, status, profile, civility, practice_civility,
  first_name, last_name, account_title, rpps, locale from accounts)`

/** The active accounts. */
export const activeAccounts = sql<Pick<Account, 'id'>>`(select id from accounts where status = 'active')`

/** The active health professionals, as other areas show them: those who may answer for a structure. */
export const activeProfessionals = sql<AccountSummary>`(select id, status, profile, civility, practice_civility,
  first_name, last_name, account_title, rpps, locale from accounts
  where status = 'active' and profile = 'health_professional')`

/** Each account's sign-in address. */
export const loginAddresses = sql<{ account_id: string; address: string }>`(select account_id, address
  from account_emails where is_login = true)`

/** Each account's notification address. */
export const notificationAddresses = sql<{ account_id: string; address: string }>`(select account_id, address
  from account_emails where is_notification = true)`

/**
 * The accounts by each of their addresses' keys, as the support desk reviews an account request naming
 * one: who holds it, and whether it has a password yet.
 */
export const addressHolders = sql<
  Pick<Account, 'id' | 'status' | 'profile' | 'civility' | 'first_name' | 'last_name' | 'rpps'> &
    Pick<Account, 'profession_code' | 'roles' | 'password_hash'> & { address_key: string }
>`(select e.address_key, a.id, a.status, a.profile, a.civility, a.first_name, a.last_name, a.rpps,
  a.profession_code, a.roles, a.password_hash from account_emails e join accounts a on a.id = e.account_id)`
