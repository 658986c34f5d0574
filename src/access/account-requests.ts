import { Type } from 'typebox'
import { PROFESSIONS } from '../accounts/professions.ts'
import { problem, requiredRpps } from '../accounts/registration-checks.ts'
import { addressKey } from '../accounts/repository.ts'
import { Uuid } from '../accounts/schemas.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { LabId } from '../labs/schemas.ts'
import { badRequest, conflict, type FieldProblem, forbidden, unprocessable } from '../shared/errors.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Str, UuidOf } from '../shared/examples.ts'
import { decodeTimeCursor, pageOf } from '../shared/pagination.ts'
import { Line, Lines } from '../shared/text.ts'
import { addBusinessDays } from './business-days.ts'
import { type Actor, mayRequestAccounts } from './policy.ts'

/** Account requests (Omnimed): an institution's account manager asks support to create a user's account. */

export const DUE_BUSINESS_DAYS = 3
export const ADMINISTRATIVE = 'administrative'

const strict = { additionalProperties: false } as const
const StructureId = UuidOf(EXAMPLE_ID.structure)
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])
const Workplace = Type.Object(
  {
    structureId: StructureId,
    primary: Type.Boolean({ description: 'Exactly one workplace is the primary one' }),
  },
  strict,
)
const LabRegistration = Type.Object(
  { labId: LabId, number: Line(40, 'ALB-004512') },
  {
    ...strict,
    description: 'The user’s registration number at a lab, for the electronic delivery of results',
  },
)
const Billing = Type.Object(
  { clientName: Line(200, 'Clinique des Lilas'), clientNumber: Line(40, '123') },
  { ...strict, description: 'As on the institution’s monthly invoice, e.g. "Clinique des Lilas" and "123"' },
)

export const NewAccountRequest = Type.Object(
  {
    firstName: Line(100, 'Julie'),
    lastName: Line(100, 'Bernard'),
    email: Type.String({
      format: 'email',
      maxLength: 254,
      examples: ['julie.bernard@example.org'],
      description:
        'An address only the new user reads (never a shared one, never the requester’s own). With previousAccount, an address of their existing account.',
    }),
    previousAccount: Type.Boolean({
      description: 'The user already had an account: it is updated, not duplicated',
    }),
    workplaces: Type.Array(Workplace, {
      minItems: 1,
      maxItems: 20,
      description: 'Every institution the user may access; the requester must manage accounts at each',
    }),
    occupation: Line(20, ['10', 'administrative'], {
      description:
        '`administrative` (administrative staff only), or a national profession code, e.g. 10 médecin',
    }),
    rpps: Type.Optional(
      Line(20, EXAMPLE_RPPS, { description: 'Required with a profession code, refused otherwise' }),
    ),
    practiceNumber: Type.Optional(Line(40, '811234567')),
    prescriberNumber: Type.Optional(Line(40, '811234567')),
    labRegistrations: Type.Optional(Type.Array(LabRegistration, { maxItems: 20 })),
    referenceAccountId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'An active account whose mandates at the workplaces are copied to the user; nothing else is copied',
        examples: [EXAMPLE_ID.account],
      }),
    ),
    billing: Type.Optional(Billing),
    comment: Type.Optional(
      Lines(2000, 'Remplace Mme Durand au secrétariat à partir du 1er décembre', { minLength: 0 }),
    ),
  },
  strict,
)
export type NewAccountRequestInput = Type.Static<typeof NewAccountRequest>

export const AccountRequestStatus = Type.Enum(['pending', 'fulfilled', 'rejected'] as const)

export const AccountRequestView = Type.Object({
  id: UuidOf(EXAMPLE_ID.request),
  status: AccountRequestStatus,
  overdue: Type.Boolean({ description: 'Still pending after its due date' }),
  dueAt: Type.String({
    format: 'date-time',
    description: '3 business days (Paris calendar) after creation',
    examples: ['2026-11-27T09:30:00.000Z'],
  }),
  createdAt: DateTime,
  requesterId: Uuid,
  firstName: Str('Julie'),
  lastName: Str('Bernard'),
  email: Type.String({ format: 'email', maxLength: 254, examples: ['julie.bernard@example.org'] }),
  previousAccount: Type.Boolean(),
  workplaces: Type.Array(Type.Object({ structureId: StructureId, primary: Type.Boolean() })),
  occupation: Str('administrative'),
  rpps: Nullable(Str(EXAMPLE_RPPS)),
  practiceNumber: Nullable(Str('811234567')),
  prescriberNumber: Nullable(Str('811234567')),
  labRegistrations: Type.Array(Type.Object({ labId: Str('biomnis'), number: Str('ALB-004512') })),
  referenceAccountId: Nullable(Uuid),
  billing: Nullable(Type.Object({ clientName: Str('Clinique des Lilas'), clientNumber: Str('123') })),
  comment: Nullable(Str('Remplace Mme Durand au secrétariat à partir du 1er décembre')),
  reason: Nullable(Str('L’adresse indiquée est partagée', { description: 'Why support rejected it' })),
  accountId: Nullable(
    Type.String({
      format: 'uuid',
      description: 'The account created or updated',
      examples: [EXAMPLE_ID.collaborator],
    }),
  ),
  decidedAt: Nullable(DateTime),
})

export type AccountRequestRow = Awaited<ReturnType<typeof requestById>>
type Row = NonNullable<AccountRequestRow>

export const requestById = (db: Executor, id: string) =>
  db.selectFrom('account_requests').selectAll().where('id', '=', id).executeTakeFirst()

export const isOverdue = (row: Pick<Row, 'status' | 'due_at'>, now: Date) =>
  row.status === 'pending' && row.due_at.getTime() < now.getTime()

export function accountRequestView(row: Row, now: Date) {
  return {
    id: row.id,
    status: row.status,
    overdue: isOverdue(row, now),
    dueAt: row.due_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    requesterId: row.requester_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    previousAccount: row.previous_account,
    workplaces: row.workplaces,
    occupation: row.occupation,
    rpps: row.rpps,
    practiceNumber: row.practice_number,
    prescriberNumber: row.prescriber_number,
    labRegistrations: row.lab_registrations,
    referenceAccountId: row.reference_account_id,
    billing: row.billing,
    comment: row.comment,
    reason: row.reason,
    accountId: row.account_id,
    decidedAt: row.decided_at?.toISOString() ?? null,
  }
}

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

/** The account that holds this address (any of its addresses), if any. */
export const accountHoldingAddress = (db: Executor, address: string) =>
  db
    .selectFrom('account_emails as e')
    .innerJoin('accounts as a', 'a.id', 'e.account_id')
    .select(['a.id', 'a.profile', 'a.rpps', 'a.status', 'a.password_hash', 'a.locale'])
    .where('e.address_key', '=', addressKey(address))
    .executeTakeFirst()

const unknown = (code: string, detail: string, problems: FieldProblem[]) =>
  unprocessable(code, detail, problems)

/**
 * A manager's request for an account. The requester must be an account manager of every workplace
 * named (`mayRequestAccounts`); the request is due in 3 business days and support is told.
 */
export async function submitAccountRequest(
  deps: Deps,
  actor: Actor,
  audit: AuditActor,
  input: NewAccountRequestInput,
): Promise<{ id: string; status: 'pending'; dueAt: string }> {
  const checked = checkAccountRequest(input, {
    acceptAnyRppsCheckDigit: deps.config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  const structureIds = input.workplaces.map((place) => place.structureId)
  return deps.db.transaction().execute(async (trx) => {
    const structures = await trx
      .selectFrom('structures')
      .select(['id', 'name'])
      .where('id', 'in', structureIds)
      .execute()
    const missing = input.workplaces.flatMap((place, index) =>
      structures.some((structure) => structure.id === place.structureId)
        ? []
        : [problem(`workplaces.${index}.structureId`, 'is not a known structure')],
    )
    if (missing.length > 0)
      throw unknown('unknown_structure', 'A workplace is not a known structure.', missing)
    if (!(await mayRequestAccounts(trx, actor, structureIds))) {
      throw forbidden(
        'Only an account manager of every workplace named may request this account.',
        'not_account_manager',
      )
    }

    if (checked.labRegistrations.length > 0) {
      const labs = await trx
        .selectFrom('labs')
        .select('id')
        .where(
          'id',
          'in',
          checked.labRegistrations.map((registration) => registration.labId),
        )
        .execute()
      const unknownLabs = checked.labRegistrations.flatMap((registration, index) =>
        labs.some((lab) => lab.id === registration.labId)
          ? []
          : [problem(`labRegistrations.${index}.labId`, 'is not a known lab')],
      )
      if (unknownLabs.length > 0)
        throw unknown('unknown_lab', 'A lab registration names an unknown lab.', unknownLabs)
    }
    if (input.referenceAccountId !== undefined) {
      const reference = await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', input.referenceAccountId)
        .where('status', '=', 'active')
        .executeTakeFirst()
      if (!reference) {
        throw unknown('unknown_reference_account', 'The reference account must be an active account.', [
          problem('referenceAccountId', 'is not an active account'),
        ])
      }
    }

    const key = addressKey(checked.email)
    const own = await trx
      .selectFrom('account_emails')
      .select('id')
      .where('account_id', '=', actor.accountId)
      .where('address_key', '=', key)
      .executeTakeFirst()
    if (own) {
      throw unprocessable(
        'own_address',
        'The new user’s access is sent to this address: give theirs, not yours.',
        [problem('email', 'is one of your own addresses')],
      )
    }
    const holder = await accountHoldingAddress(trx, checked.email)
    if (input.previousAccount) {
      if (!holder) {
        throw unprocessable('previous_account_not_found', 'No account has this address: is it a new user?', [
          problem('email', 'is not an address of an existing account'),
        ])
      }
      if (!checked.professional && holder.profile === 'health_professional') {
        throw unprocessable(
          'professional_account',
          'This user is a health professional: a professional may not hold an administrative account.',
          [problem('occupation', 'must be the user’s profession: their account is a health professional’s')],
        )
      }
      if (checked.professional && holder.profile === 'health_professional' && holder.rpps !== checked.rpps) {
        throw unprocessable('rpps_mismatch', 'The existing account carries another RPPS number.', [
          problem('rpps', 'is not the RPPS number of the existing account'),
        ])
      }
    } else if (holder) {
      throw conflict('address_taken', 'This address belongs to an account: is it a previous account?')
    }
    if (checked.rpps !== null) {
      let query = trx.selectFrom('accounts').select('id').where('rpps', '=', checked.rpps)
      if (holder) query = query.where('id', '<>', holder.id)
      if (await query.executeTakeFirst())
        throw conflict('rpps_taken', 'Another account carries this RPPS number.')
    }
    const waiting = await trx
      .selectFrom('account_requests')
      .select('id')
      .where('email_key', '=', key)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (waiting)
      throw conflict('request_pending', 'A request for this address is already waiting for support.')

    const now = deps.clock.now()
    const row = await trx
      .insertInto('account_requests')
      .values({
        requester_id: actor.accountId,
        first_name: checked.firstName,
        last_name: checked.lastName,
        email: checked.email,
        email_key: key,
        previous_account: input.previousAccount,
        workplaces: JSON.stringify(input.workplaces),
        occupation: input.occupation,
        rpps: checked.rpps,
        practice_number: input.practiceNumber ?? null,
        prescriber_number: input.prescriberNumber ?? null,
        lab_registrations: JSON.stringify(checked.labRegistrations),
        reference_account_id: input.referenceAccountId ?? null,
        billing: input.billing ? JSON.stringify(input.billing) : null,
        comment: input.comment?.trim() || null,
        status: 'pending',
        due_at: addBusinessDays(now, DUE_BUSINESS_DAYS),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const requester = await trx
      .selectFrom('accounts')
      .select(['first_name', 'last_name'])
      .where('id', '=', actor.accountId)
      .executeTakeFirstOrThrow()
    await deps.outbox.enqueue(trx, {
      to: deps.config.SUPPORT_EMAIL,
      template: 'account_request.submitted_support',
      data: {
        requestId: row.id,
        requester: `${requester.first_name} ${requester.last_name}`,
        user: `${row.first_name} ${row.last_name}`,
        occupation: isProfessionalOccupation(row.occupation)
          ? (PROFESSIONS[row.occupation] ?? row.occupation)
          : ADMINISTRATIVE,
        previousAccount: row.previous_account,
        dueAt: row.due_at.toISOString(),
      },
    })
    await recordAudit(trx, deps.clock, audit, {
      action: 'account_request.submitted',
      subjectType: 'account_request',
      subjectId: row.id,
      details: {
        structureIds,
        occupation: row.occupation,
        previousAccount: row.previous_account,
        referenceAccountId: row.reference_account_id,
        dueAt: row.due_at.toISOString(),
      },
    })
    return { id: row.id, status: 'pending' as const, dueAt: row.due_at.toISOString() }
  })
}

export const isProfessionalOccupation = (occupation: string) => occupation !== ADMINISTRATIVE

/** The requester's own requests, newest first. */
export async function listOwnAccountRequests(
  db: Executor,
  now: Date,
  requesterId: string,
  options: { cursor?: string | undefined; limit: number },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = db
    .selectFrom('account_requests')
    .selectAll()
    .where('requester_id', '=', requesterId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    )
  }
  const page = pageOf(await query.execute(), options.limit, (row) => [row.created_at.toISOString(), row.id])
  return { items: page.items.map((row) => accountRequestView(row, now)), nextCursor: page.nextCursor }
}

/** Support's queue: the soonest due first; `overdue` keeps (or leaves out) pending requests past due. */
export async function listAccountRequests(
  db: Executor,
  now: Date,
  options: {
    status?: Row['status'] | undefined
    overdue?: boolean | undefined
    cursor?: string | undefined
    limit: number
  },
) {
  const after = decodeTimeCursor(options.cursor)
  let query = db
    .selectFrom('account_requests')
    .selectAll()
    .orderBy('due_at', 'asc')
    .orderBy('id', 'asc')
    .limit(options.limit + 1)
  if (options.status) query = query.where('status', '=', options.status)
  if (options.overdue === true) query = query.where('status', '=', 'pending').where('due_at', '<', now)
  if (options.overdue === false) {
    query = query.where((eb) => eb.or([eb('status', '<>', 'pending'), eb('due_at', '>=', now)]))
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('due_at', '>', after.at), eb.and([eb('due_at', '=', after.at), eb('id', '>', after.id)])]),
    )
  }
  const page = pageOf(await query.execute(), options.limit, (row) => [row.due_at.toISOString(), row.id])
  return { items: page.items.map((row) => accountRequestView(row, now)), nextCursor: page.nextCursor }
}
