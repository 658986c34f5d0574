import { Readable } from 'node:stream'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { readInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import type { Executor, MailboxKind } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { decodeCursor, pageOf } from '../shared/pagination.ts'
import { professionOf } from '../shared/professions.ts'
import { queryWords } from '../shared/word-search.ts'
import { type DirectoryRow, directoryJson, searchDirectory } from './directory-search.ts'
import { listedBatch, type MailboxRow } from './repository.ts'
import { directoryEntryView } from './views.ts'

/** Active, listed mailboxes whose names, service, description, city or address begin with the words typed. */
export async function searchMailboxDirectory(db: Executor, query: MailboxDirectoryQuery) {
  return directoryPage(await searchDirectory(db, directoryQuery(query)), query.limit)
}

export interface MailboxDirectoryQuery {
  q?: string | undefined
  postalCode?: string | undefined
  kind?: MailboxKind | undefined
  limit: number
  cursor?: string | undefined
}

/** SQL: the boxes of `GET /v1/mailboxes/directory`, as a JSON array (the bench's baseline runs it too). */
export const mailboxDirectoryJson = (db: Executor, query: MailboxDirectoryQuery) =>
  directoryJson(db, directoryQuery(query))

/**
 * `GET /v1/mailboxes/directory` in one statement, the session check included: null once the session
 * has ended.
 */
export async function searchMailboxDirectoryInSession(
  db: Executor,
  clock: Clock,
  session: SessionRef,
  query: MailboxDirectoryQuery,
) {
  const found = await readInSession(db, clock, session, mailboxDirectoryJson(db, query))
  return found && directoryPage(found.body, query.limit)
}

const directoryQuery = (query: MailboxDirectoryQuery) => ({
  words: queryWords(query.q ?? ''),
  postalCode: query.postalCode,
  kind: query.kind,
  after: decodeCursor(query.cursor, ['string', 'uuid']) as [string, string] | undefined,
  limit: query.limit,
})

function directoryPage(rows: DirectoryRow[], limit: number) {
  const page = pageOf(rows, limit, (row) => [row.sort_name, row.id])
  return { items: page.items.map(directoryEntryView), nextCursor: page.nextCursor }
}

/** The columns of the national MSSanté extract (`Extraction_Correspondance_MSSante`), in order. */
export const EXTRACT_COLUMNS = [
  'Type de BAL',
  'Adresse BAL',
  'Type Identifiant PP',
  'Identifiant PP',
  'Identification nationale PP',
  'Type identifiant structure',
  'Identification Structure',
  'Service de rattachement',
  'Civilité d’exercice',
  'Nom d’exercice',
  'Prénom d’exercice',
  'Catégorie profession',
  'Libellé de catégorie profession',
  'Code Profession',
  'Libellé Profession',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Dématérialisation',
  'Raison Sociale structure BAL',
  'Enseigne commerciale structure BAL',
  'L2COMPLEMENTLOCALISATION structure BAL',
  'L3COMPLEMENTDISTRIBUTION structure BAL',
  'L4NUMEROVOIE structure BAL',
  'L4COMPLEMENTNUMEROVOIE structure BAL',
  'NL4TYPEVOIE structure BAL',
  'L4LIBELLEVOIE structure BAL',
  'L5LIEUDITMENTION structure BAL',
  'L6LIGNEACHEMINEMENT structure BAL',
  'Code postal structure BAL',
  'Département structure BAL',
  'Pays structure BAL',
] as const

// The national nomenclature of structure identifier types.
const STRUCTURE_TYPE = { finess: '1', siren: '2', siret: '3' } as const

// A field never holds the separator nor a line break.
const field = (value: string | null | undefined) => (value ?? '').replace(/[|\r\n]+/g, ' ')

/** One line of the extract. PP identifiers for a box with an RPPS; the structure for an ORG box. */
export function extractLine(mailbox: MailboxRow): string {
  const personal = mailbox.kind !== 'ORG'
  const rpps = personal ? mailbox.responsible_rpps : null
  const profession = personal ? professionOf(mailbox.responsible_profession) : null
  const values: Record<(typeof EXTRACT_COLUMNS)[number], string | null> = {
    'Type de BAL': mailbox.kind,
    'Adresse BAL': mailbox.mssante_address,
    'Type Identifiant PP': rpps ? '8' : null,
    'Identifiant PP': rpps,
    'Identification nationale PP': rpps ? `8${rpps}` : null,
    'Type identifiant structure': mailbox.identifier_type ? STRUCTURE_TYPE[mailbox.identifier_type] : null,
    'Identification Structure': mailbox.identifier,
    'Service de rattachement': mailbox.service,
    'Civilité d’exercice': personal ? mailbox.responsible_civility : null,
    'Nom d’exercice': personal ? mailbox.responsible_last_name : null,
    'Prénom d’exercice': personal ? mailbox.responsible_first_name : null,
    'Catégorie profession': null,
    'Libellé de catégorie profession': null,
    'Code Profession': profession?.code ?? null,
    'Libellé Profession': profession?.label ?? null,
    'Code savoir-faire': null,
    'Libellé savoir-faire': null,
    Dématérialisation: mailbox.paperless ? '1' : '0',
    'Raison Sociale structure BAL': mailbox.kind === 'ORG' ? mailbox.name : null,
    'Enseigne commerciale structure BAL': mailbox.commercial_name,
    'L2COMPLEMENTLOCALISATION structure BAL': null,
    'L3COMPLEMENTDISTRIBUTION structure BAL': null,
    'L4NUMEROVOIE structure BAL': null,
    'L4COMPLEMENTNUMEROVOIE structure BAL': null,
    'NL4TYPEVOIE structure BAL': null,
    'L4LIBELLEVOIE structure BAL': mailbox.address_line,
    'L5LIEUDITMENTION structure BAL': null,
    'L6LIGNEACHEMINEMENT structure BAL':
      mailbox.postal_code && mailbox.city ? `${mailbox.postal_code} ${mailbox.city.toUpperCase()}` : null,
    'Code postal structure BAL': mailbox.postal_code,
    'Département structure BAL': mailbox.department,
    'Pays structure BAL': mailbox.postal_code ? 'France' : null,
  }
  return EXTRACT_COLUMNS.map((column) => field(values[column])).join('|')
}

const BATCH = 500

/**
 * Every active, listed box as the national extract lays it out (pipe-separated UTF-8, a header row),
 * streamed in batches: memory stays flat however many boxes there are. The export is audited.
 */
export async function exportDirectory(deps: Deps, audit: AuditActor) {
  await recordAudit(deps.db, deps.clock, audit, {
    action: 'mailbox.directory_exported',
    subjectType: 'mailbox',
    subjectId: null,
  })
  async function* lines() {
    yield `${EXTRACT_COLUMNS.join('|')}\n`
    let after: [string, string] | undefined
    for (;;) {
      const rows = await listedBatch(deps.db, after, BATCH)
      if (rows.length > 0) yield `${rows.map(extractLine).join('\n')}\n`
      if (rows.length < BATCH) return
      const last = rows.at(-1)!
      after = [last.sort_name, last.id]
    }
  }
  return Readable.from(lines())
}
