import type { Kysely, Selectable, Transaction } from 'kysely'
import type {
  AccessRequestsTable,
  AccountsTable,
  DB,
  MailboxesTable,
  MailboxMembersTable,
  PracticePlacesTable,
  StructuresTable,
} from './tables.ts'

// The table types are generated from the migrated database (src/db/tables.ts, `npm run db:types`);
// this module names what the code speaks of.
export type * from './tables.ts'

export type StructureKind = Selectable<StructuresTable>['kind']
export type AccountStatus = Selectable<AccountsTable>['status']
export type AccountProfile = Selectable<AccountsTable>['profile']
export type RightName = Selectable<AccessRequestsTable>['rights'][number]
export type PlaceStatus = Selectable<PracticePlacesTable>['status']
export type MailboxKind = Selectable<MailboxesTable>['kind']
export type MailboxStatus = Selectable<MailboxesTable>['status']
export type MailboxRole = Selectable<MailboxMembersTable>['role']

/** What data-access functions take first: the database, or the caller's transaction. */
export type Executor = Kysely<DB> | Transaction<DB>
