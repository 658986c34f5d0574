import { professionOf } from '../shared/professions.ts'
import { isRegionCode, REGIONS } from '../shared/regions.ts'
import type { MailboxRow } from './repository.ts'

const iso = (date: Date | null) => date?.toISOString() ?? null

const postalAddressOf = (row: Pick<MailboxRow, 'address_line' | 'postal_code' | 'city'>) =>
  row.address_line && row.postal_code && row.city
    ? { line: row.address_line, postalCode: row.postal_code, city: row.city }
    : null

/** A mailbox as the API shows it: always with its MSSanté address (null until validated). */
export function mailboxView(row: MailboxRow) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    statusReason: row.status_reason,
    mssanteAddress: row.mssante_address,
    contactEmail: row.contact_email,
    name: row.name,
    commercialName: row.commercial_name,
    service: row.service,
    description: row.description,
    establishment:
      row.identifier_type && row.identifier
        ? { identifierType: row.identifier_type, identifier: row.identifier }
        : null,
    postalAddress: postalAddressOf(row),
    region: { code: row.region, name: isRegionCode(row.region) ? REGIONS[row.region].name : row.region },
    department: row.department,
    phones: row.phones,
    responsible: {
      civility: row.responsible_civility,
      firstName: row.responsible_first_name,
      lastName: row.responsible_last_name,
      profession: professionOf(row.responsible_profession) ?? { code: '', label: '' },
      rpps: row.responsible_rpps,
    },
    preferences: { paperless: row.paperless, listed: row.listed },
    closeRequestedAt: iso(row.close_requested_at),
    createdAt: row.created_at.toISOString(),
    validatedAt: iso(row.validated_at),
    activatedAt: iso(row.activated_at),
  }
}

export const statusChangeView = (row: MailboxRow) => ({
  id: row.id,
  status: row.status,
  mssanteAddress: row.mssante_address,
})

/** A directory entry: what anyone signed in may read of an active, listed box. */
export const directoryEntryView = (
  row: Pick<
    MailboxRow,
    | 'id'
    | 'kind'
    | 'mssante_address'
    | 'name'
    | 'commercial_name'
    | 'service'
    | 'description'
    | 'address_line'
    | 'postal_code'
    | 'city'
    | 'department'
    | 'phones'
  >,
) => ({
  id: row.id,
  kind: row.kind,
  mssanteAddress: row.mssante_address ?? '',
  name: row.name,
  commercialName: row.commercial_name,
  service: row.service,
  description: row.description,
  postalAddress: postalAddressOf(row),
  department: row.department,
  phones: row.phones,
})
