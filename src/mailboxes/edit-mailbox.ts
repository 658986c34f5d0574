import type { Updateable } from 'kysely'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor, MailboxesTable } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { conflict, notFound } from '../shared/errors.ts'
import { checkAgainstDirectories, checkEstablishment, checkPhones, checkWhere } from './checks.ts'
import { establishmentColumns } from './create-mailbox.ts'
import { authorizeOnMailbox, type MailboxActor } from './policy.ts'
import { lockMailbox, type MailboxRow, updateMailbox } from './repository.ts'
import type { EstablishmentChangesInput, MailboxChangesInput } from './schemas.ts'
import { sortName } from './sort-name.ts'
import { mailboxView } from './views.ts'

const CLOSED = ['closed', 'rejected']

/** The box, locked, while it is not closed nor rejected. */
async function openForChanges(trx: Executor, mailboxId: string) {
  const mailbox = await lockMailbox(trx, mailboxId)
  if (!mailbox) throw notFound('not_found', 'No such mailbox.')
  if (CLOSED.includes(mailbox.status)) throw conflict('mailbox_closed', `The mailbox is ${mailbox.status}.`)
  return mailbox
}

/**
 * Changes a box that is neither closed nor rejected, in one transaction with its audit record: `change`
 * computes the columns from the box as it is, locked.
 */
async function changeMailbox(
  deps: Deps,
  audit: AuditActor,
  mailboxId: string,
  action: string,
  fields: string[],
  change: (current: MailboxRow, trx: Executor) => Promise<Updateable<MailboxesTable>>,
) {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const current = await openForChanges(trx, mailboxId)
      const mailbox = await updateMailbox(trx, mailboxId, {
        ...(await change(current, trx)),
        updated_at: deps.clock.now(),
      })
      await recordAudit(trx, deps.clock, audit, {
        action,
        subjectType: 'mailbox',
        subjectId: mailboxId,
        details: { fields },
      })
      return mailboxView(mailbox)
    })
  } catch (error) {
    if (isUniqueViolation(error, 'mailboxes_org_live'))
      throw conflict('mailbox_exists', 'This establishment and service already have a mailbox.')
    throw error
  }
}

/** A manager edits what is theirs to edit: description, service, phones, preferences. */
export async function editMailbox(
  deps: Deps,
  actor: MailboxActor,
  audit: AuditActor,
  mailboxId: string,
  changes: MailboxChangesInput,
) {
  await authorizeOnMailbox(deps.db, actor, mailboxId, 'edit')
  const phones = changes.phones === undefined ? undefined : checkPhones(changes.phones)
  return changeMailbox(deps, audit, mailboxId, 'mailbox.edited', Object.keys(changes), async (current) => {
    const merged = {
      ...current,
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.service !== undefined && { service: changes.service }),
    }
    return {
      description: merged.description,
      service: merged.service,
      service_key: sortName(merged.service ?? ''),
      ...(phones !== undefined && { phones }),
      ...(changes.preferences?.paperless !== undefined && { paperless: changes.preferences.paperless }),
      ...(changes.preferences?.listed !== undefined && { listed: changes.preferences.listed }),
    }
  })
}

/** The establishment and the responsible of an ORG box as stored, to merge changes into. */
const establishmentOf = (mailbox: MailboxRow) => ({
  identifierType: mailbox.identifier_type!,
  identifier: mailbox.identifier!,
  name: mailbox.name,
  commercialName: mailbox.commercial_name,
  postalAddress: { line: mailbox.address_line!, postalCode: mailbox.postal_code!, city: mailbox.city! },
  region: mailbox.region,
  responsible: {
    civility: mailbox.responsible_civility ?? undefined,
    firstName: mailbox.responsible_first_name,
    lastName: mailbox.responsible_last_name,
    professionCode: mailbox.responsible_profession,
    rpps: mailbox.responsible_rpps!,
  },
})

/**
 * The support desk changes an ORG box's establishment (identifier, names, postal address, region,
 * department) or its responsible: checked as at creation. A PER or INT box's identity is its owner's
 * account's.
 */
export async function editEstablishment(
  deps: Deps,
  audit: AuditActor,
  mailboxId: string,
  changes: EstablishmentChangesInput,
) {
  const fields = Object.keys(changes)
  return changeMailbox(
    deps,
    audit,
    mailboxId,
    'mailbox.establishment_changed',
    fields,
    async (current, trx) => {
      if (current.kind !== 'ORG')
        throw conflict(
          'personal_mailbox',
          'A PER or INT mailbox takes its identity from its owner’s account.',
        )
      const stored = establishmentOf(current)
      const establishment = checkEstablishment(
        {
          ...stored,
          ...changes,
          commercialName:
            changes.commercialName === undefined ? stored.commercialName : changes.commercialName,
        },
        deps.config,
      )
      const where = checkWhere(
        {
          region: establishment.region,
          department:
            changes.department ?? (changes.postalAddress ? undefined : (current.department ?? undefined)),
          postalCode: establishment.postalAddress.postalCode,
        },
        // A region the operator no longer serves stays, unless the change moves the box.
        { MAILBOX_REGIONS: changes.region === undefined ? [] : deps.config.MAILBOX_REGIONS },
      )
      await checkAgainstDirectories(trx, establishment)
      const columns = establishmentColumns(establishment)
      return {
        ...columns,
        region: where.region,
        department: where.department,
        sort_name: sortName(columns.name),
      }
    },
  )
}

/** A manager asks the support desk to close the box; the desk is emailed and closes it. */
export async function requestClosure(
  deps: Deps,
  actor: MailboxActor,
  audit: AuditActor,
  mailboxId: string,
  reason: string | undefined,
) {
  await authorizeOnMailbox(deps.db, actor, mailboxId, 'request_closure')
  return deps.db.transaction().execute(async (trx) => {
    await openForChanges(trx, mailboxId)
    const now = deps.clock.now()
    const mailbox = await updateMailbox(trx, mailboxId, {
      close_requested_at: now,
      close_requested_by: actor.accountId,
      updated_at: now,
    })
    await deps.outbox.enqueue(trx, {
      to: deps.config.SUPPORT_EMAIL,
      template: 'mailbox.closure_requested_support',
      data: { mailboxId, name: mailbox.name, address: mailbox.mssante_address, reason },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'mailbox.closure_requested',
      subjectType: 'mailbox',
      subjectId: mailboxId,
      reason: reason ?? null,
    })
    return mailboxView(mailbox)
  })
}
