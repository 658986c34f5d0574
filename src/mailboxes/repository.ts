import { type Insertable, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely'
import { openSessionOf } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { jsonList } from '../db/json.ts'
import type {
  Executor,
  MailboxesTable,
  MailboxInvitationsTable,
  MailboxKind,
  MailboxRole,
  MailboxStatus,
} from '../db/schema.ts'
import { matchesWords, type QueryWord } from '../shared/word-search.ts'

/** The one module that reads and writes the mailbox tables. */
export type MailboxRow = Selectable<MailboxesTable>

export const insertMailbox = (trx: Executor, row: Insertable<MailboxesTable>) =>
  trx.insertInto('mailboxes').values(row).returningAll().executeTakeFirstOrThrow()

export const mailboxById = (db: Executor, id: string) =>
  db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst()

/** The mailbox, locked until the end of the transaction: changes of one box's members wait for each other. */
export const lockMailbox = (trx: Executor, id: string) =>
  trx.selectFrom('mailboxes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()

/** Moves a mailbox out of one of `from`, in one conditional update; undefined when it was not in them. */
export const moveMailbox = (
  trx: Executor,
  id: string,
  from: readonly MailboxStatus[],
  set: Updateable<MailboxesTable>,
) =>
  trx
    .updateTable('mailboxes')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst()

export const updateMailbox = (trx: Executor, id: string, set: Updateable<MailboxesTable>) =>
  trx.updateTable('mailboxes').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()

// Members.

export const roleIn = async (db: Executor, mailboxId: string, accountId: string) =>
  (
    await db
      .selectFrom('mailbox_members')
      .select('role')
      .where('mailbox_id', '=', mailboxId)
      .where('account_id', '=', accountId)
      .executeTakeFirst()
  )?.role ?? null

/** Adds a member; false when the account already is one. */
export async function addMember(
  trx: Executor,
  member: { mailboxId: string; accountId: string; role: MailboxRole; addedBy: string | null; now: Date },
) {
  const added = await trx
    .insertInto('mailbox_members')
    .values({
      mailbox_id: member.mailboxId,
      account_id: member.accountId,
      role: member.role,
      added_by: member.addedBy,
      created_at: member.now,
    })
    .onConflict((conflict) => conflict.columns(['mailbox_id', 'account_id']).doNothing())
    .returning('account_id')
    .executeTakeFirst()
  return added !== undefined
}

export const membersOf = (db: Executor, mailboxId: string) =>
  db
    .selectFrom('mailbox_members')
    .selectAll()
    .where('mailbox_id', '=', mailboxId)
    .orderBy('created_at')
    .orderBy('account_id')
    .execute()

export const managerIds = async (db: Executor, mailboxId: string) =>
  (
    await db
      .selectFrom('mailbox_members')
      .select('account_id')
      .where('mailbox_id', '=', mailboxId)
      .where('role', '=', 'manager')
      .execute()
  ).map((row) => row.account_id)

export const setRole = (trx: Executor, mailboxId: string, accountId: string, role: MailboxRole) =>
  trx
    .updateTable('mailbox_members')
    .set({ role })
    .where('mailbox_id', '=', mailboxId)
    .where('account_id', '=', accountId)
    .execute()

export const deleteMember = (trx: Executor, mailboxId: string, accountId: string) =>
  trx
    .deleteFrom('mailbox_members')
    .where('mailbox_id', '=', mailboxId)
    .where('account_id', '=', accountId)
    .execute()

/** The mailboxes an account belongs to, with its role, newest first. */
export const mailboxesOfAccount = (db: Executor, accountId: string) =>
  db
    .selectFrom('mailbox_members as m')
    .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
    .select(['b.id', 'b.kind', 'b.status', 'b.name', 'b.mssante_address', 'm.role'])
    .where('m.account_id', '=', accountId)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .execute()

/**
 * SQL-backed check of a mailbox token, in one statement: the session open and the account active (as
 * for the person's own token), still a member of the mailbox, and the mailbox active.
 */
export async function actsForMailbox(
  db: Executor,
  clock: Clock,
  sessionId: string,
  accountId: string,
  mailboxId: string,
): Promise<boolean> {
  const { rows } = await sql<{ ok: number }>`
    select 1 as ok from ${openSessionOf(clock, sessionId, accountId)}
      and exists (select 1 from mailbox_members m join mailboxes b on b.id = m.mailbox_id
        where m.mailbox_id = ${mailboxId} and m.account_id = a.id and b.status = 'active')`.execute(db)
  return rows.length > 0
}

// Invitations.

export const insertInvitation = (trx: Executor, row: Insertable<MailboxInvitationsTable>) =>
  trx.insertInto('mailbox_invitations').values(row).returning('id').executeTakeFirstOrThrow()

/** A pending, unexpired invitation to one of these addresses, locked. */
export const pendingInvitation = (trx: Executor, id: string, addressKeys: string[], now: Date) =>
  trx
    .selectFrom('mailbox_invitations')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .where('email_key', 'in', addressKeys.length > 0 ? addressKeys : [''])
    .forUpdate()
    .executeTakeFirst()

export const markInvitationAccepted = (trx: Executor, id: string, accountId: string, now: Date) =>
  trx
    .updateTable('mailbox_invitations')
    .set({ status: 'accepted', accepted_by: accountId, accepted_at: now })
    .where('id', '=', id)
    .execute()

/** Pending invitations to these addresses, to boxes still open, newest first. */
export const invitationsTo = (db: Executor, addressKeys: string[], now: Date) =>
  db
    .selectFrom('mailbox_invitations as i')
    .innerJoin('mailboxes as b', 'b.id', 'i.mailbox_id')
    .select(['i.id', 'i.role', 'i.expires_at', 'b.id as mailbox_id', 'b.kind', 'b.name'])
    .where('i.email_key', 'in', addressKeys.length > 0 ? addressKeys : [''])
    .where('i.status', '=', 'pending')
    .where('i.expires_at', '>', now)
    .where('b.status', 'in', ['validated', 'active', 'suspended'])
    .orderBy('i.created_at', 'desc')
    .limit(100)
    .execute()

// MSSanté addresses.

/** Which of these addresses were ever reserved. */
export const reservedAmong = async (db: Executor, addresses: string[]) =>
  new Set(
    (
      await db.selectFrom('mssante_addresses').select('address').where('address', 'in', addresses).execute()
    ).map((row) => row.address),
  )

/** Reserves an address for good; false when it was already reserved (by a concurrent validation). */
export async function reserveAddress(trx: Executor, address: string, mailboxId: string, now: Date) {
  const reserved = await trx
    .insertInto('mssante_addresses')
    .values({ address, mailbox_id: mailboxId, reserved_at: now })
    .onConflict((conflict) => conflict.column('address').doNothing())
    .returning('address')
    .executeTakeFirst()
  return reserved !== undefined
}

// The directory, the support desk's queue and the national extract.

export interface DirectoryQuery {
  /** Each the beginning of a word of the box (see shared/word-search.ts). */
  words: readonly QueryWord[]
  postalCode?: string | undefined
  kind?: MailboxKind | undefined
  after?: [string, string] | undefined
  limit: number
}

const DIRECTORY_COLUMNS = [
  'id',
  'kind',
  'mssante_address',
  'name',
  'commercial_name',
  'service',
  'description',
  'address_line',
  'postal_code',
  'city',
  'department',
  'phones',
  'sort_name',
] as const

// How many boxes, in the order of names, a search reads before it asks the words' index instead.
export const ORDERED_WINDOW = 500

/** Active and listed boxes, by the query's criteria but its words, after its cursor. */
const listedBoxes = (db: Executor, query: DirectoryQuery, after = query.after) =>
  db
    .selectFrom('mailboxes')
    .where('status', '=', 'active')
    .where('listed', '=', true)
    .$if(query.postalCode !== undefined, (rows) => rows.where('postal_code', 'like', `${query.postalCode}%`))
    .$if(query.kind !== undefined, (rows) => rows.where('kind', '=', query.kind!))
    .$if(after !== undefined, (rows) =>
      rows.where((eb) => eb(eb.refTuple('sort_name', 'id'), '>', eb.tuple(after![0], after![1]))),
    )

/**
 * Active and listed boxes whose words begin with the query's, in the order of names, one more than
 * the page. Words common enough are met soon in the order of names: the first 500 boxes in that
 * order are read and checked. Words that are rarer, or whose boxes all sort late (every "Pharmacie"
 * after every "Cabinet"), are then looked up in the GIN index of words and the matches sorted: the
 * planner, which cannot see how names and words go together, would otherwise read the names in order
 * through tens of thousands of boxes.
 */
export async function searchDirectory(db: Executor, query: DirectoryQuery) {
  const { rows } = await sql<{ body: DirectoryRow[] }>`select (${directoryJson(db, query)}) as body`.execute(
    db,
  )
  return rows[0]!.body
}

/** A box as the directory lists it. */
export type DirectoryRow = Pick<MailboxRow, (typeof DIRECTORY_COLUMNS)[number]>

/**
 * SQL: `searchDirectory`'s boxes as a JSON array, in one statement. With words: the matches among the
 * first 500 boxes in the order of names (`near`); only when they are fewer than the page, the key of
 * the 500th box and, materialised, every match after it from the words' index (`rest`), sorted. The
 * second part's one-time filter keeps PostgreSQL from reading it when the first is enough.
 */
export function directoryJson(db: Executor, query: DirectoryQuery) {
  const take = query.limit + 1
  const ordered = (rows: ReturnType<typeof listedBoxes>) =>
    rows.select(DIRECTORY_COLUMNS).orderBy('sort_name').orderBy('id').limit(take)
  const list = (rows: RawBuilder<unknown>) =>
    jsonList(sql`select json_agg(x order by x.sort_name, x.id) from ${rows} x`) as RawBuilder<DirectoryRow[]>
  if (query.words.length === 0) return list(sql`(${ordered(listedBoxes(db, query))})`)
  const matches = matchesWords(sql.ref('search_vector'), query.words)
  const window = listedBoxes(db, query)
    .select([...DIRECTORY_COLUMNS, 'search_vector'])
    .orderBy('sort_name')
    .orderBy('id')
    .limit(ORDERED_WINDOW)
  const near = db
    .selectFrom(window.as('w'))
    .select(DIRECTORY_COLUMNS)
    .where(matches)
    .orderBy('sort_name')
    .orderBy('id')
    .limit(take)
  const boundary = listedBoxes(db, query)
    .select(['sort_name', 'id'])
    .orderBy('sort_name')
    .orderBy('id')
    .offset(ORDERED_WINDOW - 1)
    .limit(1)
  // Every match from the words' index after the 500th box, then sorted, never a walk through the names.
  const rest = listedBoxes(db, query)
    .select(DIRECTORY_COLUMNS)
    .where(matches)
    .where(sql<boolean>`(sort_name, id) > (select sort_name, id from boundary)`)
  const columns = sql.raw(DIRECTORY_COLUMNS.join(', '))
  return list(sql`(
    with near as materialized (${near}), boundary as materialized (${boundary}), rest as materialized (${rest})
    select ${columns} from near
    union all
    (select ${columns} from rest where (select count(*) from near) < ${take}
      order by sort_name, id limit ${take}::bigint - (select count(*) from near)))`)
}

/** The support desk's queue: boxes in a status, oldest first, one more than the page. */
export function mailboxQueue(
  db: Executor,
  query: { status: MailboxStatus; after?: { at: Date; id: string } | undefined; limit: number },
) {
  const after = query.after
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('status', '=', query.status)
    .$if(after !== undefined, (rows) =>
      rows.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after!.at, after!.id))),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute()
}

/** Every active and listed box, by name, in batches after a (sort name, id) key. */
export const listedBatch = (db: Executor, after: [string, string] | undefined, size: number) =>
  db
    .selectFrom('mailboxes')
    .selectAll()
    .where('status', '=', 'active')
    .where('listed', '=', true)
    .$if(after !== undefined, (rows) =>
      rows.where((eb) => eb(eb.refTuple('sort_name', 'id'), '>', eb.tuple(after![0], after![1]))),
    )
    .orderBy('sort_name')
    .orderBy('id')
    .limit(size)
    .execute()
