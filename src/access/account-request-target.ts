import { sql } from 'kysely'
import { Type } from 'typebox'
import { activeAccounts, addressHolders } from '../accounts/fragments.ts'
import { addressKey, rppsHeld } from '../accounts/repository.ts'
import type { Executor } from '../db/schema.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { notFound } from '../shared/errors.ts'
import { EXAMPLE_ID, EXAMPLE_RPPS, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { structureSummaries } from '../structures/fragments.ts'
import {
  type AccountRequestRow,
  AccountRequestView,
  accountRequestView,
  isProfessionalOccupation,
} from './account-request-schemas.ts'

/**
 * The account a request names by its address, as it is now, and what would stop its fulfilment. The
 * requester is never told whether the address belongs to an account; the support desk sees it here,
 * beside the request, and fulfilment refuses while a conflict stands.
 */

const CONFLICTS = {
  address_taken: 'This address belongs to an account: only a previous-account request may name it.',
  previous_account_not_found: 'No account has this address: is it a new user?',
  previous_account_has_role: 'This account holds a role (support): an account request may not change it.',
  previous_account_elsewhere:
    'This account has no confirmed practice place at a structure the requester manages: it is not theirs to update.',
  professional_account: 'This account is a health professional’s: it cannot be made administrative.',
  rpps_mismatch: 'The existing account carries another RPPS number.',
  rpps_taken: 'Another account carries this RPPS number.',
} as const
export type ConflictCode = keyof typeof CONFLICTS

export const RequestTarget = Type.Object({
  id: UuidOf(EXAMPLE_ID.collaborator),
  status: Str('active'),
  profile: Str('administrative'),
  civility: Str('MME'),
  firstName: Str('Sophie'),
  lastName: Str('Lavoie'),
  rpps: Nullable(Str(EXAMPLE_RPPS)),
  professionCode: Nullable(Str('60')),
  roles: Type.Array(Str('support')),
  practicePlaces: Type.Array(
    Type.Object({
      structureId: UuidOf(EXAMPLE_ID.structure),
      name: Str('Clinique des Lilas'),
      status: Type.Enum(['pending', 'confirmed'] as const),
    }),
  ),
  managedByRequester: Type.Boolean({
    description:
      'The account has a confirmed practice place at a structure the requester manages accounts for',
  }),
})

export const AccountRequestReview = Type.Object({
  request: AccountRequestView,
  target: Nullable(RequestTarget),
  conflicts: Type.Array(
    Type.Object({
      code: Type.Enum(Object.keys(CONFLICTS) as ConflictCode[]),
      message: Str(CONFLICTS.address_taken),
    }),
    { description: 'What stops the fulfilment now; empty when it may go ahead' },
  ),
})

/** The account holding the request's address (any of its addresses), with what the desk needs to see. */
async function accountHolding(db: Executor, request: AccountRequestRow) {
  const { rows } = await sql<{
    id: string
    status: string
    profile: string
    civility: string
    first_name: string
    last_name: string
    rpps: string | null
    profession_code: string | null
    roles: string[]
    password_hash: string | null
    managed: boolean
  }>`
    select a.id, a.status, a.profile, a.civility, a.first_name, a.last_name, a.rpps, a.profession_code,
      a.roles, a.password_hash,
      exists (select 1 from ${practicePlaces} p join mandates m on m.structure_id = p.structure_id
              join ${activeAccounts} r on r.id = m.account_id
              where p.account_id = a.id and p.status = 'confirmed' and m.account_id = ${request.requester_id}
                and m.mandate = 'account_manager') as managed
    from ${addressHolders} a
    where a.address_key = ${addressKey(request.email)}`.execute(db)
  return rows[0]
}

export type Holder = NonNullable<Awaited<ReturnType<typeof accountHolding>>>

/** The account the request names and the conflicts that stand now, in the order fulfilment meets them. */
export async function requestTarget(db: Executor, request: AccountRequestRow) {
  const holder = await accountHolding(db, request)
  const professional = isProfessionalOccupation(request.occupation)
  const found: ConflictCode[] = []
  if (!request.previous_account) {
    if (holder) found.push('address_taken')
  } else if (!holder) {
    found.push('previous_account_not_found')
  } else {
    if (holder.roles.length > 0) found.push('previous_account_has_role')
    if (!holder.managed) found.push('previous_account_elsewhere')
    if (holder.profile === 'health_professional') {
      if (!professional) found.push('professional_account')
      else if (holder.rpps !== request.rpps) found.push('rpps_mismatch')
    }
  }
  if (professional && request.rpps) {
    if (await rppsHeld(db, request.rpps, holder && request.previous_account ? holder.id : undefined))
      found.push('rpps_taken')
  }
  return { holder, conflicts: found.map((code) => ({ code, message: CONFLICTS[code] })) }
}

/** The support desk's view of a request: the request, the account it names as it is now, the conflicts. */
export async function reviewAccountRequest(db: Executor, now: Date, requestId: string) {
  const request = await db
    .selectFrom('account_requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirst()
  if (!request) throw notFound('not_found', 'No such account request.')
  const { holder, conflicts } = await requestTarget(db, request)
  const places = holder
    ? await db
        .selectFrom(practicePlaces.as('p'))
        .innerJoin(structureSummaries.as('s'), 's.id', 'p.structure_id')
        .select(['p.structure_id', 's.name', 'p.status'])
        .where('p.account_id', '=', holder.id)
        .orderBy('s.name')
        .execute()
    : []
  return {
    request: accountRequestView(request, now),
    target: holder
      ? {
          id: holder.id,
          status: holder.status,
          profile: holder.profile,
          civility: holder.civility,
          firstName: holder.first_name,
          lastName: holder.last_name,
          rpps: holder.rpps,
          professionCode: holder.profession_code,
          roles: holder.roles,
          practicePlaces: places.map((place) => ({
            structureId: place.structure_id,
            name: place.name,
            status: place.status,
          })),
          managedByRequester: holder.managed,
        }
      : null,
    // A decided request stands as it was decided.
    conflicts: request.status === 'pending' ? conflicts : [],
  }
}
