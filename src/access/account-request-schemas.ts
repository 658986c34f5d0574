import type { Selectable } from 'kysely'
import { Type } from 'typebox'
import { Uuid } from '../accounts/schemas.ts'
import type { AccountRequestsTable } from '../db/schema.ts'
import { LabId } from '../labs/schemas.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Line, Lines } from '../shared/text.ts'

/** What an account request says, as asked and as answered. */

export const ADMINISTRATIVE = 'administrative'
export const isProfessionalOccupation = (occupation: string) => occupation !== ADMINISTRATIVE

const strict = { additionalProperties: false } as const
const StructureId = UuidOf(EXAMPLE_ID.structure)
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

/** The user's civility, which the account created carries. */
export const Civility = Type.Enum(['M', 'MME'] as const, { examples: ['MME'] })

export const NewAccountRequest = Type.Object(
  {
    civility: Type.Optional(
      Type.With(Civility, {
        description:
          'The user’s civility (M or MME); without it, the support desk gives it when it fulfils the request',
      }),
    ),
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
  civility: Nullable(Civility),
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

export type AccountRequestRow = Selectable<AccountRequestsTable>
type Row = AccountRequestRow

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
    civility: row.civility,
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
