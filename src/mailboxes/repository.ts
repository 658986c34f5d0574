import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Executor, MailboxesTable, MailboxStatus } from '../db/schema.ts'
import { afterKey } from '../shared/pagination.ts'

/**
 * With `member-repository.ts` and `directory-search.ts`, the modules that read and write the mailbox
 * tables.
 */
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

// The support desk's queue and the national extract (the directory's search: directory-search.ts).

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
