import { Type } from 'typebox'
import { ACCOUNT_STATUSES, Uuid } from './schemas.ts'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])
const DateTime = Type.String({ format: 'date-time' })
const strict = { additionalProperties: false } as const

export const Reason = (description: string) =>
  Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S', description })
export const AccountStatus = Type.Enum(ACCOUNT_STATUSES)
export const ChangeStatus = Type.Enum(['pending', 'approved', 'rejected'] as const)

export const AccountSummary = Type.Object({
  id: Uuid,
  status: AccountStatus,
  profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
  civility: Type.Enum(['M', 'MME'] as const),
  firstName: Type.String(),
  lastName: Type.String(),
  rpps: Nullable(Type.String()),
  loginEmail: Nullable(Type.String()),
  createdAt: DateTime,
})

/** What support sees of an account: what the person sees, why it is in its status, its access requests. */
export const SupportAccount = Type.Intersect([
  Type.Ref('Me'),
  Type.Object({
    statusReason: Nullable(Type.String()),
    accessRequests: Type.Array(
      Type.Object({
        id: Uuid,
        structureId: Uuid,
        rights: Type.Array(Type.Enum(['results', 'invoices'] as const)),
        status: Type.Enum(['pending', 'approved', 'rejected', 'cancelled'] as const),
        approverId: Uuid,
      }),
    ),
  }),
])

export const AccountDecision = Type.Object(
  {
    decision: Type.Enum(['validate', 'reject'] as const),
    reason: Type.Optional(Reason('Why; required to reject, mailed to the person')),
  },
  strict,
)

export const ChangeDecision = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject'] as const),
    reason: Type.Optional(Reason('Why; mailed to the person')),
  },
  strict,
)

export const StatusChange = Type.Object({ id: Uuid, status: AccountStatus })

export const ProfileChange = Type.Object({
  id: Uuid,
  accountId: Uuid,
  firstName: Type.String({ description: 'The account’s current first name' }),
  lastName: Type.String({ description: 'The account’s current last name' }),
  changes: Type.Record(Type.String(), Type.String(), {
    description: 'Requested values, by field: civility, firstName, lastName, rpps',
  }),
  status: ChangeStatus,
  createdAt: DateTime,
  reason: Nullable(Type.String()),
  decidedAt: Nullable(DateTime),
})

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  occurredAt: DateTime,
  actorType: Type.Enum(['person', 'lab', 'system', 'anonymous'] as const),
  actorId: Nullable(Type.String()),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
})

export const ApplicationId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$' })

export const ApplicationSettings = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    active: Type.Boolean(),
  },
  strict,
)

export const Application = Type.Object({
  id: ApplicationId,
  name: Type.String(),
  url: Type.String(),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
})
