import { type Insertable, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely'
import { jsonList } from '../db/json.ts'
import type { Executor, MailboxesTable, MailboxKind, MailboxStatus } from '../db/schema.ts'
import { afterKey } from '../shared/pagination.ts'
import { matchesWords, type QueryWord } from '../shared/word-search.ts'

/** With `member-repository.ts`, the one module that reads and writes the mailbox tables. */
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
    .$if(after !== undefined, (rows) => rows.where(afterKey(['created_at', 'id'], [after!.at, after!.id])))
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
    .$if(after !== undefined, (rows) => rows.where(afterKey(['sort_name', 'id'], after!)))
    .orderBy('sort_name')
    .orderBy('id')
    .limit(size)
    .execute()
