import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { MailboxPrincipal, PersonPrincipal } from '../auth/authenticate.ts'
import type { Deps } from '../deps.ts'
import { forbidden, notFound } from '../shared/errors.ts'
import { authorizeOnMailbox } from './policy.ts'
import { mailboxById } from './repository.ts'
import { mailboxView } from './views.ts'

/**
 * A member switches into an active mailbox: a short-lived token whose subject is the mailbox and which
 * says who acts for it (RFC 8693 `act`), within the person's session. It stands while the membership,
 * the mailbox, the account and the session do (checked on every request). Switching back is using the
 * person's own token.
 */
export async function switchIntoMailbox(
  deps: Deps,
  person: PersonPrincipal,
  audit: AuditActor,
  mailboxId: string,
) {
  const { mailbox } = await authorizeOnMailbox(
    deps.db,
    { accountId: person.sub, roles: person.roles },
    mailboxId,
    'switch',
  )
  if (mailbox.status !== 'active' || mailbox.mssante_address === null)
    throw forbidden(
      'mailbox_not_active',
      `The mailbox is ${mailbox.status}: only an active mailbox can be used.`,
    )
  const { token, expiresIn } = await deps.tokens.issue({
    typ: 'mailbox',
    sub: mailbox.id,
    mailbox_address: mailbox.mssante_address,
    act: { sub: person.sub },
    sid: person.sid,
  })
  await recordAudit(deps.db, deps.clock, audit, {
    action: 'mailbox.switched',
    subjectType: 'mailbox',
    subjectId: mailbox.id,
    details: { sessionId: person.sid },
  })
  return { accessToken: token, tokenType: 'Bearer' as const, expiresIn }
}

/** What a mailbox token stands for: the mailbox, and who acts for it. */
export async function mailboxSession(deps: Deps, principal: MailboxPrincipal) {
  const mailbox = await mailboxById(deps.db, principal.mailboxId)
  if (!mailbox) throw notFound('not_found', 'No such mailbox.')
  return { mailbox: mailboxView(mailbox), actorId: principal.actorId }
}
