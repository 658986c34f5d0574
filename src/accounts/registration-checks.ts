import { checkIdentifier } from '../identifiers/rules.ts'
import { badRequest, bodyProblem, type FieldProblem } from '../shared/errors.ts'
import { PROFESSIONS } from '../shared/professions.ts'
import { checkPassword } from './password-policy.ts'
import { normalizePhone } from './phones.ts'
import type { RegistrationInput } from './registration-schema.ts'

/** A problem with a field of the request body. */

/** A health professional's RPPS: required and valid, then normalised; otherwise a problem, and null. */
export function requiredRpps(
  value: string | undefined,
  options: { acceptAnyRppsCheckDigit: boolean },
  problems: FieldProblem[],
): string | null {
  if (value === undefined) {
    problems.push(bodyProblem('rpps', 'is required for a health professional'))
    return null
  }
  const check = checkIdentifier('rpps', value, options)
  if (check.valid) return check.normalized
  problems.push(bodyProblem('rpps', check.message ?? 'is not a valid RPPS number'))
  return null
}

export interface CheckedRegistration {
  civility: 'M' | 'MME'
  firstName: string
  lastName: string
  rpps: string | null
  phones: string[]
  rights: { results: boolean; invoices: boolean }
  asksSensitiveRights: boolean
}

/**
 * The rules a registration must meet on its own, before anything is looked up: who may carry an RPPS,
 * the practice places, the rights asked, the password policy, the phones. All problems at once (400).
 */
export function checkRegistration(
  input: RegistrationInput,
  email: string,
  options: { acceptAnyRppsCheckDigit: boolean },
): CheckedRegistration {
  const problems: FieldProblem[] = []
  const { civility, firstName, lastName } = input
  for (const [field, value] of Object.entries({ civility, firstName, lastName })) {
    if (value === undefined) problems.push(bodyProblem(field, 'is required'))
  }
  const professional = input.profile === 'health_professional'
  const rpps = professional ? requiredRpps(input.rpps, options, problems) : null
  if (professional) {
    if (input.profession === undefined)
      problems.push(bodyProblem('profession', 'is required for a health professional'))
  } else if (input.rpps !== undefined) {
    problems.push(
      bodyProblem(
        'rpps',
        `is not accepted on a${input.profile === 'administrative' ? 'n administrative' : ' collaborator'} account`,
      ),
    )
  }
  if (input.profession !== undefined && !(input.profession in PROFESSIONS)) {
    problems.push(bodyProblem('profession', 'is not a national profession code'))
  }
  if (input.accountTitle !== undefined && input.profile !== 'collaborator') {
    problems.push(bodyProblem('accountTitle', 'is for collaborators’ accounts'))
  }

  const primaries = input.practicePlaces.filter((place) => place.primary).length
  if (primaries !== 1) problems.push(bodyProblem('practicePlaces', 'must have exactly one primary place'))
  input.practicePlaces.forEach((place, index) => {
    if ((place.structureId === undefined) === (place.finess === undefined)) {
      problems.push(bodyProblem(`practicePlaces.${index}`, 'needs either structureId or finess'))
    }
  })

  // Professionals have both sensitive rights unless unticked; others ask for them.
  const rights = input.rights ?? { results: professional, invoices: professional }
  const asksSensitiveRights = !professional && (rights.results || rights.invoices)
  if (asksSensitiveRights && input.approverId === undefined && input.approverRpps === undefined) {
    problems.push(
      bodyProblem(
        'approverId',
        'is required to ask for results or invoices: name the professional who approves',
      ),
    )
  }
  if (!asksSensitiveRights && (input.approverId !== undefined || input.approverRpps !== undefined)) {
    problems.push(bodyProblem('approverId', 'is only for a collaborator asking for results or invoices'))
  }

  if (input.password !== undefined || input.passwordConfirmation !== undefined) {
    const verdict = checkPassword(input.password ?? '', input.passwordConfirmation ?? '', {
      email,
      firstName: firstName ?? '',
      lastName: lastName ?? '',
    })
    for (const item of verdict.problems) {
      problems.push(bodyProblem(item.code === 'mismatch' ? 'passwordConfirmation' : 'password', item.message))
    }
  }

  const phones: string[] = []
  ;(input.phones ?? []).forEach((phone, index) => {
    const result = normalizePhone(phone)
    if (result.ok) phones.push(result.e164)
    else problems.push(bodyProblem(`phones.${index}`, result.message))
  })

  if (problems.length > 0)
    throw badRequest('invalid_registration', 'The registration is not valid.', problems)
  return {
    civility: civility!,
    firstName: firstName!,
    lastName: lastName!,
    rpps,
    phones,
    rights,
    asksSensitiveRights,
  }
}
