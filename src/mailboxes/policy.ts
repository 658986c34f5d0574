import type { Executor, MailboxRole } from '../db/schema.ts'
import { forbidden, notFound } from '../shared/errors.ts'
import { roleIn } from './member-repository.ts'
import { mailboxById } from './repository.ts'

/**
 * Who may do what with a mailbox: the one place these decisions are made. Managers run the box (edit
 * it, invite, set roles, remove people, ask to close it); members use it (read it, see who else is in,
 * switch into it, leave); the support desk reads and manages members of any box, but acts for none.
 * Every check reads the membership as it is now.
 */
export type MailboxAction =
  | 'read'
  | 'edit'
  | 'invite'
  | 'manage_members'
  | 'leave'
  | 'switch'
  | 'request_closure'

export interface MailboxActor {
  accountId: string
  roles: string[]
}

const ALLOWED: Record<MailboxAction, { manager: boolean; member: boolean; support: boolean }> = {
  read: { manager: true, member: true, support: true },
  edit: { manager: true, member: false, support: false },
  invite: { manager: true, member: false, support: false },
  manage_members: { manager: true, member: false, support: true },
  leave: { manager: true, member: true, support: false },
  switch: { manager: true, member: true, support: false },
  request_closure: { manager: true, member: false, support: false },
}

/** The rule itself, of the actor's role in the box (null: none) and whether they are support. */
export function mayOnMailbox(
  action: MailboxAction,
  who: { role: MailboxRole | null; support: boolean },
): boolean {
  const allowed = ALLOWED[action]
  return (who.role !== null && allowed[who.role]) || (who.support && allowed.support)
}

/**
 * The mailbox, if the actor may do this with it now: 404 when there is no such box, 403 when the actor
 * may not (a non-member, a member where a manager is needed).
 */
export async function authorizeOnMailbox(
  db: Executor,
  actor: MailboxActor,
  mailboxId: string,
  action: MailboxAction,
) {
  const [mailbox, role] = await Promise.all([
    mailboxById(db, mailboxId),
    roleIn(db, mailboxId, actor.accountId),
  ])
  if (!mailbox) throw notFound('not_found', 'No such mailbox.')
  if (!mayOnMailbox(action, { role, support: actor.roles.includes('support') }))
    throw forbidden(
      role === null ? 'not_a_member' : 'manager_required',
      role === null ? 'You are not a member of this mailbox.' : 'Only a manager of this mailbox may do this.',
    )
  return { mailbox, role }
}
