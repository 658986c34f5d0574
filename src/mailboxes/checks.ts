import { normalizePhone } from '../accounts/phones.ts'
import type { Config } from '../config.ts'
import type { Executor } from '../db/schema.ts'
import { finessKind } from '../directory/lookups.ts'
import { rppsInDirectory } from '../directory/search.ts'
import { checkIdentifier } from '../identifiers/rules.ts'
import { badRequest, bodyProblem, type FieldProblem, unprocessable } from '../shared/errors.ts'
import { PROFESSIONS } from '../shared/professions.ts'
import { checkPlace } from '../shared/regions.ts'

/**
 * The rules a mailbox's description must meet: the establishment's identifier, where it is, its
 * phones, its responsible professional. Malformed input is a 400 listing every field at once; input
 * that is well formed but does not hold together (a region the operator does not serve, a department
 * of another region, a FINESS that the directory knows as a legal entity) a 422.
 */

export interface Establishment {
  identifierType: 'finess' | 'siret' | 'siren'
  identifier: string
  name: string
  commercialName: string | null
  postalAddress: { line: string; postalCode: string; city: string }
  region: string
  department?: string | undefined
  responsible: {
    civility?: 'M' | 'MME' | undefined
    firstName: string
    lastName: string
    professionCode: string
    rpps: string
  }
}

type Options = Pick<Config, 'IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT' | 'MAILBOX_REGIONS'>

/** The identifier and the responsible's RPPS, normalised; every malformed field at once (400). */
export function checkEstablishment(input: Establishment, options: Options): Establishment {
  const problems: FieldProblem[] = []
  const identifier = checkIdentifier(input.identifierType, input.identifier)
  if (!identifier.valid) problems.push(bodyProblem('identifier', identifier.message ?? 'is not valid'))
  const rpps = checkIdentifier('rpps', input.responsible.rpps, {
    acceptAnyRppsCheckDigit: options.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  if (!rpps.valid)
    problems.push(bodyProblem('responsible.rpps', rpps.message ?? 'is not a valid RPPS number'))
  if (!(input.responsible.professionCode in PROFESSIONS))
    problems.push(bodyProblem('responsible.professionCode', 'is not a national profession code'))
  if (problems.length > 0) throw badRequest('invalid_mailbox', 'The mailbox is not valid.', problems)
  return {
    ...input,
    identifier: identifier.normalized,
    responsible: { ...input.responsible, rpps: rpps.normalized },
  }
}

/** Phones as E.164, or a 400 naming each one that is not a phone number. */
export function checkPhones(phones: readonly string[] | undefined): string[] {
  const problems: FieldProblem[] = []
  const normalized: string[] = []
  ;(phones ?? []).forEach((phone, index) => {
    const result = normalizePhone(phone)
    if (result.ok) normalized.push(result.e164)
    else problems.push(bodyProblem(`phones.${index}`, result.message))
  })
  if (problems.length > 0) throw badRequest('invalid_mailbox', 'The mailbox is not valid.', problems)
  return normalized
}

/**
 * The region, served by the operator, and the department, derived from the postal code when absent,
 * agreeing with both (422 naming the field otherwise).
 */
export function checkWhere(
  input: { region: string; department?: string | undefined; postalCode?: string | undefined },
  options: Pick<Options, 'MAILBOX_REGIONS'>,
) {
  if (options.MAILBOX_REGIONS.length > 0 && !options.MAILBOX_REGIONS.includes(input.region))
    throw unprocessable('region_not_served', 'Mailboxes are not created in this region here.', [
      bodyProblem('region', `must be one of the regions served: ${options.MAILBOX_REGIONS.join(', ')}`),
    ])
  const place = checkPlace(input)
  if (!place.ok)
    throw unprocessable('place_mismatch', 'The region, department and postal code do not agree.', [
      bodyProblem(place.field, place.message),
    ])
  return place
}

/**
 * What the national directories say: a FINESS they know as a legal entity (FINESS juridique) is not an
 * establishment; an RPPS unknown to the imported RPPS directory is no professional (both checked only
 * once the directory is imported).
 */
export async function checkAgainstDirectories(db: Executor, establishment: Establishment): Promise<void> {
  const [finess, rpps] = await Promise.all([
    establishment.identifierType === 'finess' ? finessKind(db, establishment.identifier) : undefined,
    rppsInDirectory(db, establishment.responsible.rpps),
  ])
  if (finess === 'legal_entity')
    throw unprocessable('legal_entity_finess', 'This FINESS is a legal entity’s: give the establishment’s.', [
      bodyProblem('identifier', 'is a FINESS juridique; give the FINESS géographique of the establishment'),
    ])
  if (rpps === 'unknown')
    throw unprocessable('unknown_rpps', 'The responsible’s RPPS is not in the national directory.', [
      bodyProblem('responsible.rpps', 'is not in the RPPS directory'),
    ])
}
