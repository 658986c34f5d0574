import type { Insertable, Selectable } from 'kysely'
import { consumeProof } from '../accounts/email-proofs.ts'
import { accountById } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { AccountsTable, MailboxesTable } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, unprocessable } from '../shared/errors.ts'
import { checkAgainstDirectories, checkEstablishment, checkPhones, checkWhere } from './checks.ts'
import { addMember } from './member-repository.ts'
import { insertMailbox } from './repository.ts'
import type { NewMailboxInput } from './schemas.ts'
import { sortName } from './sort-name.ts'
import { mailboxView } from './views.ts'

type Described = Omit<
  Insertable<MailboxesTable>,
  | 'created_by'
  | 'created_at'
  | 'updated_at'
  | 'sort_name'
  | 'region'
  | 'department'
  | 'paperless'
  | 'listed'
  | 'contact_email'
>

const ORG_ONLY = [
  'contactEmailProof',
  'description',
  'identifierType',
  'identifier',
  'name',
  'commercialName',
  'service',
  'postalAddress',
  'phones',
  'responsible',
] as const
const ORG_REQUIRED = [
  'contactEmailProof',
  'description',
  'identifierType',
  'identifier',
  'name',
  'postalAddress',
  'responsible',
] as const

/**
 * Creates a mailbox from a signed-in account, stepped up: an organisational one described as the
 * manual's form does (its generic address proven by email), or the account holder's own (PER with an
 * RPPS, INT awaiting one). It waits for the support desk, who is emailed; its creator is its first
 * manager.
 */
export async function createMailbox(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  input: NewMailboxInput,
) {
  const options = deps.config
  const where = checkWhere(
    { region: input.region, department: input.department, postalCode: input.postalAddress?.postalCode },
    options,
  )
  const described =
    input.kind === 'ORG'
      ? await describeOrganisation(deps, input)
      : await describeOwnBox(deps, accountId, input)
  const now = deps.clock.now()
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const contactEmail =
        input.kind === 'ORG'
          ? await consumeProof(deps, trx, input.contactEmailProof!, 'mailbox_contact')
          : null
      const mailbox = await insertMailbox(trx, {
        ...described,
        contact_email: contactEmail,
        region: where.region,
        department: where.department,
        paperless: input.preferences?.paperless ?? true,
        listed: input.preferences?.listed ?? true,
        sort_name: sortName(described.name),
        created_by: accountId,
        created_at: now,
        updated_at: now,
      })
      await addMember(trx, { mailboxId: mailbox.id, accountId, role: 'manager', addedBy: accountId, now })
      await deps.outbox.enqueue(trx, {
        to: deps.config.SUPPORT_EMAIL,
        template: 'mailbox.created_support',
        data: { mailboxId: mailbox.id, kind: mailbox.kind, name: mailbox.name },
      })
      await recordAudit(trx, deps.clock, actor, {
        action: 'mailbox.created',
        subjectType: 'mailbox',
        subjectId: mailbox.id,
        details: { kind: mailbox.kind, region: mailbox.region },
      })
      return mailboxView(mailbox)
    })
  } catch (error) {
    if (isUniqueViolation(error, 'mailboxes_org_live'))
      throw conflict('mailbox_exists', 'This establishment and service already have a mailbox.')
    if (isUniqueViolation(error, 'mailboxes_personal_live'))
      throw conflict('mailbox_exists', `You already have a ${input.kind} mailbox.`)
    throw error
  }
}

async function describeOrganisation(deps: Deps, input: NewMailboxInput): Promise<Described> {
  const missing = ORG_REQUIRED.filter((field) => input[field] === undefined)
  if (missing.length > 0)
    throw badRequest(
      'invalid_mailbox',
      'An organisational mailbox needs these fields.',
      missing.map((field) => ({ in: 'body', field, message: 'is required for an ORG mailbox' })),
    )
  const establishment = checkEstablishment(
    {
      identifierType: input.identifierType!,
      identifier: input.identifier!,
      name: input.name!,
      commercialName: input.commercialName ?? null,
      postalAddress: input.postalAddress!,
      region: input.region,
      responsible: input.responsible!,
    },
    deps.config,
  )
  const phones = checkPhones(input.phones)
  await checkAgainstDirectories(deps.db, establishment)
  return {
    kind: 'ORG',
    owner_id: null,
    description: input.description!,
    ...establishmentColumns(establishment),
    service: input.service ?? null,
    service_key: sortName(input.service ?? ''),
    phones,
  }
}

/** The columns of an establishment and its responsible, as checked. */
export const establishmentColumns = (establishment: ReturnType<typeof checkEstablishment>) => ({
  identifier_type: establishment.identifierType,
  identifier: establishment.identifier,
  name: establishment.name,
  commercial_name: establishment.commercialName,
  address_line: establishment.postalAddress.line,
  postal_code: establishment.postalAddress.postalCode,
  city: establishment.postalAddress.city,
  responsible_civility: establishment.responsible.civility ?? null,
  responsible_first_name: establishment.responsible.firstName,
  responsible_last_name: establishment.responsible.lastName,
  responsible_profession: establishment.responsible.professionCode,
  responsible_rpps: establishment.responsible.rpps,
})

/** A PER or INT box: the identity is the account's, which must fit the kind. */
async function describeOwnBox(deps: Deps, accountId: string, input: NewMailboxInput): Promise<Described> {
  const typed = ORG_ONLY.filter((field) => input[field] !== undefined)
  if (typed.length > 0)
    throw badRequest(
      'invalid_mailbox',
      `A ${input.kind} mailbox takes its identity from your account.`,
      typed.map((field) => ({ in: 'body', field, message: 'is only for an ORG mailbox' })),
    )
  const account = (await accountById(deps.db, accountId)) as Selectable<AccountsTable>
  if (input.kind === 'PER' && (account.profile !== 'health_professional' || account.rpps === null))
    throw unprocessable(
      'rpps_required',
      'A personal (PER) mailbox is for a health professional with an RPPS.',
    )
  if (input.kind === 'INT' && account.rpps !== null)
    throw unprocessable('rpps_held', 'With an RPPS, open a personal (PER) mailbox.')
  if (account.profession_code === null)
    throw unprocessable(
      'profession_required',
      'A personal or internal mailbox needs the profession on your account.',
    )
  return {
    kind: input.kind,
    owner_id: account.id,
    name: `${account.first_name} ${account.last_name}`,
    responsible_civility: account.civility,
    responsible_first_name: account.first_name,
    responsible_last_name: account.last_name,
    responsible_profession: account.profession_code!,
    responsible_rpps: account.rpps,
  }
}
