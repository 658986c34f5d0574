import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Deps } from '../deps.ts'
import { checkIdentifier } from '../identifiers/rules.ts'
import { badRequest, bodyProblem, conflict, type FieldProblem, notFound } from '../shared/errors.ts'
import { loadMe } from './me.ts'
import { normalizePhone } from './phones.ts'
import { accountById } from './repository.ts'

export interface ProfileEdit {
  phones?: string[] | undefined
  accountTitle?: string | null | undefined
  civility?: 'M' | 'MME' | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  rpps?: string | undefined
}

/** Identity fields: they change only once the support desk approves; the keys of a request's `changes`. */
const IDENTITY_FIELDS = ['civility', 'firstName', 'lastName', 'rpps'] as const
type IdentityField = (typeof IDENTITY_FIELDS)[number]

/**
 * Edits the person's own profile. Phones and a collaborator's account title change at once; civility,
 * names and RPPS become one change request for the support desk (values equal to the current ones are
 * not asked for), and the profile keeps its values until it is decided. One pending request at a time.
 */
export async function updateProfile(deps: Deps, actor: AuditActor, accountId: string, input: ProfileEdit) {
  const account = await accountById(deps.db, accountId)
  if (!account) throw notFound('not_found', 'No such account.')
  const problems: FieldProblem[] = []

  const phones: string[] = []
  input.phones?.forEach((phone, index) => {
    const result = normalizePhone(phone)
    if (!result.ok) problems.push(bodyProblem(`phones.${index}`, result.message))
    else if (!phones.includes(result.e164)) phones.push(result.e164)
  })
  if (input.accountTitle !== undefined && account.profile !== 'collaborator') {
    problems.push(bodyProblem('accountTitle', 'is for collaborators’ accounts'))
  }
  let rpps = input.rpps
  if (rpps !== undefined) {
    if (account.profile !== 'health_professional') {
      problems.push(bodyProblem('rpps', 'is only for health professionals'))
    } else {
      const check = checkIdentifier('rpps', rpps, {
        acceptAnyRppsCheckDigit: deps.config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
      })
      if (check.valid) rpps = check.normalized
      else problems.push(bodyProblem('rpps', check.message ?? 'is not a valid RPPS number'))
    }
  }
  if (problems.length > 0) throw badRequest('invalid_profile', 'The profile is not valid.', problems)

  const current: Record<IdentityField, string | null> = {
    civility: account.civility,
    firstName: account.first_name,
    lastName: account.last_name,
    rpps: account.rpps,
  }
  const wanted: Record<IdentityField, string | undefined> = {
    civility: input.civility,
    firstName: input.firstName,
    lastName: input.lastName,
    rpps,
  }
  const changes: Partial<Record<IdentityField, string>> = {}
  for (const field of IDENTITY_FIELDS) {
    const value = wanted[field]
    if (value !== undefined && value !== current[field]) changes[field] = value
  }
  const immediate = {
    ...(input.phones !== undefined && { phones }),
    ...(input.accountTitle !== undefined && { account_title: input.accountTitle }),
  }
  if (changes.rpps !== undefined) await refuseTakenRpps(deps, accountId, changes.rpps)

  try {
    const changeRequestId = await deps.db.transaction().execute(async (trx) => {
      if (Object.keys(immediate).length > 0) {
        await trx
          .updateTable('accounts')
          .set({ ...immediate, updated_at: deps.clock.now() })
          .where('id', '=', accountId)
          .execute()
        await recordAudit(trx, deps.clock, actor, {
          action: 'account.profile_updated',
          subjectType: 'account',
          subjectId: accountId,
          details: { fields: Object.keys(input).filter((key) => key === 'phones' || key === 'accountTitle') },
        })
      }
      if (Object.keys(changes).length === 0) return undefined
      const request = await trx
        .insertInto('profile_change_requests')
        .values({
          account_id: accountId,
          changes: JSON.stringify(changes),
          status: 'pending',
          created_at: deps.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, deps.clock, actor, {
        action: 'account.profile_change_requested',
        subjectType: 'profile_change_request',
        subjectId: request.id,
        details: { accountId, fields: Object.keys(changes) },
      })
      await deps.outbox.enqueue(trx, {
        to: deps.config.SUPPORT_EMAIL,
        template: 'account.profile_change_requested_support',
        data: { accountId, requestId: request.id },
      })
      return request.id
    })
    const me = await loadMe(deps.db, accountId)
    return changeRequestId ? { changeRequestId, me } : { me }
  } catch (error) {
    if (isUniqueViolation(error, 'profile_change_requests_one_pending'))
      throw conflict('change_pending', 'A profile change already awaits the support desk’s decision.')
    throw error
  }
}

/** An RPPS number is one person's: asking for one that another account carries is refused at once. */
async function refuseTakenRpps(deps: Deps, accountId: string, rpps: string) {
  const holder = await deps.db
    .selectFrom('accounts')
    .select('id')
    .where('rpps', '=', rpps)
    .where('id', '<>', accountId)
    .executeTakeFirst()
  if (holder) throw conflict('rpps_taken', 'Another account carries this RPPS number.')
}
