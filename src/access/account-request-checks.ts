import { requiredRpps } from '../accounts/registration-checks.ts'
import { badRequest, type FieldProblem, bodyProblem as problem } from '../shared/errors.ts'
import { PROFESSIONS } from '../shared/professions.ts'
import { ADMINISTRATIVE, type NewAccountRequestInput } from './account-request-schemas.ts'

export interface CheckedAccountRequest {
  firstName: string
  lastName: string
  email: string
  professional: boolean
  rpps: string | null
  labRegistrations: { labId: string; number: string }[]
}

/**
 * The rules a request meets on its own, before anything is looked up; all problems at once (400). A
 * profession code makes a health professional, who needs a valid RPPS; an administrative account
 * never carries one: a professional may not hold an administrative account.
 */
export function checkAccountRequest(
  input: NewAccountRequestInput,
  options: { acceptAnyRppsCheckDigit: boolean },
): CheckedAccountRequest {
  const problems: FieldProblem[] = []
  const firstName = input.firstName.trim()
  const lastName = input.lastName.trim()
  if (!firstName) problems.push(problem('firstName', 'must not be blank'))
  if (!lastName) problems.push(problem('lastName', 'must not be blank'))

  const administrative = input.occupation === ADMINISTRATIVE
  const professional = !administrative && input.occupation in PROFESSIONS
  if (!administrative && !professional) {
    problems.push(problem('occupation', 'must be administrative or a national profession code'))
  }
  const rpps = professional ? requiredRpps(input.rpps, options, problems) : null
  if (administrative) {
    if (input.rpps !== undefined) {
      problems.push(
        problem(
          'rpps',
          'is not accepted on an administrative account: a health professional may not hold one',
        ),
      )
    }
    for (const field of ['practiceNumber', 'prescriberNumber'] as const) {
      if (input[field] !== undefined) problems.push(problem(field, 'is for a health professional'))
    }
  }

  if (input.workplaces.filter((place) => place.primary).length !== 1) {
    problems.push(problem('workplaces', 'must have exactly one primary workplace'))
  }
  const structures = new Set<string>()
  input.workplaces.forEach((place, index) => {
    if (structures.has(place.structureId))
      problems.push(problem(`workplaces.${index}.structureId`, 'is named twice'))
    structures.add(place.structureId)
  })
  const labs = new Set<string>()
  const labRegistrations = (input.labRegistrations ?? []).map((registration, index) => {
    if (labs.has(registration.labId))
      problems.push(problem(`labRegistrations.${index}.labId`, 'is named twice'))
    labs.add(registration.labId)
    const number = registration.number.trim()
    if (!number) problems.push(problem(`labRegistrations.${index}.number`, 'must not be blank'))
    return { labId: registration.labId, number }
  })

  if (problems.length > 0)
    throw badRequest('invalid_account_request', 'The account request is not valid.', problems)
  return { firstName, lastName, email: input.email.trim(), professional, rpps, labRegistrations }
}
