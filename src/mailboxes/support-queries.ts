import type { Executor, MailboxStatus } from '../db/schema.ts'
import { establishmentByIdentifier } from '../directory/lookups.ts'
import { notFound } from '../shared/errors.ts'
import { decodeTimeCursor, pageOf } from '../shared/pagination.ts'
import { type MailboxRow, mailboxById, mailboxQueue } from './repository.ts'
import { mailboxView } from './views.ts'

/** The establishment the FINESS directory knows under the box's FINESS or SIRET, beside what was typed. */
async function inDirectory(db: Executor, mailbox: MailboxRow) {
  if (!mailbox.identifier || (mailbox.identifier_type !== 'finess' && mailbox.identifier_type !== 'siret'))
    return null
  const found = await establishmentByIdentifier(db, mailbox.identifier_type, mailbox.identifier)
  if (!found) return null
  const orNull = (value: string) => (value === '' ? null : value)
  return {
    finess: found.finess,
    finessLegal: orNull(found.finess_legal),
    siret: orNull(found.siret),
    name: found.name,
    address: orNull(found.address),
    postalCode: orNull(found.postal_code),
    city: orNull(found.city),
  }
}

const supportView = async (db: Executor, mailbox: MailboxRow) => ({
  mailbox: mailboxView(mailbox),
  inDirectory: await inDirectory(db, mailbox),
})

/** The support desk's queue of boxes in a status, oldest first, each beside the directory's establishment. */
export async function listMailboxesForSupport(
  db: Executor,
  query: { status: MailboxStatus; limit: number; cursor?: string | undefined },
) {
  const rows = await mailboxQueue(db, { ...query, after: decodeTimeCursor(query.cursor) })
  const page = pageOf(rows, query.limit, (row) => [row.created_at.toISOString(), row.id])
  return {
    items: await Promise.all(page.items.map((row) => supportView(db, row))),
    nextCursor: page.nextCursor,
  }
}

export async function mailboxForSupport(db: Executor, mailboxId: string) {
  const mailbox = await mailboxById(db, mailboxId)
  if (!mailbox) throw notFound('not_found', 'No such mailbox.')
  return supportView(db, mailbox)
}
