import { type Insertable, sql } from 'kysely'
import { openSessionOf } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import type { Executor, MailboxInvitationsTable, MailboxRole } from '../db/schema.ts'

/** The mailbox tables of people: members and invitations (the boxes themselves are in `repository.ts`). */

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
