import { accountsByIds, addressKey, addressKeysOf } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor, MailboxRole } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { conflict, notFound } from '../shared/errors.ts'
import { throttle } from '../throttle/policies.ts'
import {
  addMember,
  deleteMember,
  insertInvitation,
  invitationsTo,
  mailboxesOfAccount,
  managerIds,
  markInvitationAccepted,
  membersOf,
  pendingInvitation,
  roleIn,
  setRole,
} from './member-repository.ts'
import { authorizeOnMailbox, type MailboxActor } from './policy.ts'
import { lockMailbox } from './repository.ts'

const INVITATION_DAYS = 14
// Invitations send email to any address: a manager's are counted.
const INVITATIONS_PER_MANAGER = { max: 50, windowMs: 60 * 60_000 }

/**
 * Invites an address into an ORG box. The answer is the same whether or not the address has an
 * account: the invitee is mailed a link to accept once signed in, or to register first.
 */
export async function inviteMember(
  deps: Deps,
  actor: MailboxActor,
  audit: AuditActor,
  mailboxId: string,
  input: { email: string; role: MailboxRole },
) {
  const { mailbox } = await authorizeOnMailbox(deps.db, actor, mailboxId, 'invite')
  if (mailbox.kind !== 'ORG')
    throw conflict(
      'personal_mailbox',
      'A PER or INT mailbox is its owner’s alone: invite into an ORG mailbox.',
    )
  if (mailbox.status !== 'validated' && mailbox.status !== 'active')
    throw conflict(
      'mailbox_not_open',
      `Members are invited once the mailbox is validated; it is ${mailbox.status}.`,
    )
  await throttle(deps, `mailbox-invitations:${actor.accountId}`, INVITATIONS_PER_MANAGER)
  const [inviter] = await accountsByIds(deps.db, [actor.accountId])
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000)
  return deps.db.transaction().execute(async (trx) => {
    const invitation = await insertInvitation(trx, {
      mailbox_id: mailboxId,
      email: input.email.trim(),
      email_key: addressKey(input.email),
      role: input.role,
      invited_by: actor.accountId,
      expires_at: expiresAt,
      created_at: now,
    })
    await deps.outbox.enqueue(trx, {
      to: input.email.trim(),
      template: 'mailbox.invitation',
      data: {
        inviter: inviter ? `${inviter.first_name} ${inviter.last_name}` : '',
        name: mailbox.name,
        role: input.role,
        link: `${deps.config.PORTAL_URL}/mailbox-invitations/${invitation.id}`,
        expiresAt: expiresAt.toISOString(),
      },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'mailbox.member_invited',
      subjectType: 'mailbox',
      subjectId: mailboxId,
      details: { invitationId: invitation.id, email: input.email.trim(), role: input.role },
    })
    return { id: invitation.id, expiresAt: expiresAt.toISOString() }
  })
}

/** The invitations waiting for the signed-in person, at any of their addresses. */
export async function myInvitations(deps: Deps, accountId: string) {
  const rows = await invitationsTo(deps.db, await addressKeysOf(deps.db, accountId), deps.clock.now())
  return rows.map((row) => ({
    id: row.id,
    mailbox: { id: row.mailbox_id, kind: row.kind, name: row.name },
    role: row.role,
    expiresAt: row.expires_at.toISOString(),
  }))
}

/**
 * Accepts an invitation sent to one of the person's own addresses: they join the box with the role
 * given. Another person's invitation is unknown to them (404).
 */
export async function acceptInvitation(
  deps: Deps,
  audit: AuditActor,
  accountId: string,
  invitationId: string,
) {
  const keys = await addressKeysOf(deps.db, accountId)
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const invitation = await pendingInvitation(trx, invitationId, keys, now)
    if (!invitation)
      throw notFound(
        'not_found',
        'No such invitation for you: expired, accepted, or sent to another address.',
      )
    const mailbox = await lockMailbox(trx, invitation.mailbox_id)
    if (!mailbox || !['validated', 'active', 'suspended'].includes(mailbox.status))
      throw conflict('mailbox_closed', 'This mailbox is no longer open.')
    const joined = await addMember(trx, {
      mailboxId: mailbox.id,
      accountId,
      role: invitation.role,
      addedBy: invitation.invited_by,
      now,
    })
    if (!joined) throw conflict('already_member', 'You already belong to this mailbox.')
    await markInvitationAccepted(trx, invitationId, accountId, now)
    await recordAudit(trx, deps.clock, audit, {
      action: 'mailbox.invitation_accepted',
      subjectType: 'mailbox',
      subjectId: mailbox.id,
      details: { invitationId, role: invitation.role },
    })
    return {
      id: mailbox.id,
      kind: mailbox.kind,
      status: mailbox.status,
      name: mailbox.name,
      mssanteAddress: mailbox.mssante_address,
      role: invitation.role,
    }
  })
}

export async function listMembers(deps: Deps, actor: MailboxActor, mailboxId: string) {
  await authorizeOnMailbox(deps.db, actor, mailboxId, 'read')
  const members = await membersOf(deps.db, mailboxId)
  const people = new Map(
    (
      await accountsByIds(
        deps.db,
        members.map((m) => m.account_id),
      )
    ).map((p) => [p.id, p]),
  )
  return members.map((member) => {
    const person = people.get(member.account_id)!
    return {
      accountId: member.account_id,
      civility: person.civility,
      firstName: person.first_name,
      lastName: person.last_name,
      role: member.role,
      since: member.created_at.toISOString(),
    }
  })
}

/** The member's role, with the box locked; 404 when they are not a member. */
async function memberRole(trx: Executor, mailboxId: string, accountId: string) {
  if (!(await lockMailbox(trx, mailboxId))) throw notFound('not_found', 'No such mailbox.')
  const role = await roleIn(trx, mailboxId, accountId)
  if (role === null) throw notFound('not_found', 'This person is not a member of the mailbox.')
  return role
}

const refuseLastManager = async (trx: Executor, mailboxId: string, role: MailboxRole) => {
  if (role === 'manager' && (await managerIds(trx, mailboxId)).length === 1)
    throw conflict('last_manager', 'A mailbox keeps at least one manager: name another one first.')
}

/** A manager (or support) changes a member's role; the last manager is never demoted. */
export async function changeRole(
  deps: Deps,
  actor: MailboxActor,
  audit: AuditActor,
  mailboxId: string,
  accountId: string,
  role: MailboxRole,
) {
  await authorizeOnMailbox(deps.db, actor, mailboxId, 'manage_members')
  await deps.db.transaction().execute(async (trx) => {
    const from = await memberRole(trx, mailboxId, accountId)
    if (from === role) return
    await refuseLastManager(trx, mailboxId, from)
    await setRole(trx, mailboxId, accountId, role)
    await recordAudit(trx, deps.clock, audit, {
      action: 'mailbox.role_changed',
      subjectType: 'mailbox',
      subjectId: mailboxId,
      details: { accountId, from, to: role },
    })
  })
  return listMembers(deps, actor, mailboxId)
}

/**
 * Removes a member (a manager or support), or the person leaves; the last manager can do neither.
 * From then on the removed person's mailbox tokens are refused.
 */
export async function removeMember(
  deps: Deps,
  actor: MailboxActor,
  audit: AuditActor,
  mailboxId: string,
  accountId: string,
) {
  const self = accountId === actor.accountId
  await authorizeOnMailbox(deps.db, actor, mailboxId, self ? 'leave' : 'manage_members')
  await deps.db.transaction().execute(async (trx) => {
    const role = await memberRole(trx, mailboxId, accountId)
    await refuseLastManager(trx, mailboxId, role)
    await deleteMember(trx, mailboxId, accountId)
    await recordAudit(trx, deps.clock, audit, {
      action: self ? 'mailbox.member_left' : 'mailbox.member_removed',
      subjectType: 'mailbox',
      subjectId: mailboxId,
      details: { accountId, role },
    })
  })
}

/** The mailboxes the person belongs to, with their role. */
export const myMailboxes = async (deps: Deps, accountId: string) =>
  (await mailboxesOfAccount(deps.db, accountId)).map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    name: row.name,
    mssanteAddress: row.mssante_address,
    role: row.role,
  }))
