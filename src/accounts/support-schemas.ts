import { Type } from 'typebox'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Line, Lines } from '../shared/text.ts'
import { ACCOUNT_STATUSES, Uuid } from './schemas.ts'

const strict = { additionalProperties: false } as const

export const Reason = (description: string, example = 'Numéro RPPS vérifié dans l’annuaire santé') =>
  Lines(1000, example, { description, nonBlank: true })
export const AccountStatus = Type.Enum(ACCOUNT_STATUSES)
export const ChangeStatus = Type.Enum(['pending', 'approved', 'rejected'] as const)

export const AccountSummary = Type.Object({
  id: Uuid,
  status: AccountStatus,
  profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
  civility: Type.Enum(['M', 'MME'] as const),
  firstName: Str('Claire'),
  lastName: Str('Martin'),
  rpps: Nullable(Str(EXAMPLE_RPPS)),
  loginEmail: Nullable(Str('claire.martin@example.org')),
  identityVerifiedBy: Nullable(
    Type.Enum(['psc'] as const, { description: 'Pro Santé Connect verified the identity' }),
  ),
  createdAt: DateTime,
})

/** What support sees of an account: what the person sees, why it is in its status, its access requests. */
export const SupportAccount = Type.Intersect([
  Type.Ref('Me'),
  Type.Object({
    statusReason: Nullable(Str('Numéro RPPS vérifié dans l’annuaire santé')),
    accessRequests: Type.Array(
      Type.Object({
        id: UuidOf(EXAMPLE_ID.request),
        structureId: UuidOf(EXAMPLE_ID.structure),
        rights: Type.Array(Type.Enum(['results', 'invoices'] as const)),
        status: Type.Enum(['pending', 'approved', 'rejected', 'cancelled'] as const),
        approverId: UuidOf(EXAMPLE_ID.approver),
      }),
    ),
  }),
])

export const AccountDecision = Type.Object(
  {
    decision: Type.Enum(['validate', 'reject'] as const),
    reason: Type.Optional(
      Reason('Why; required to reject, mailed to the person', 'Numéro RPPS vérifié dans l’annuaire santé'),
    ),
  },
  strict,
)

export const ChangeDecision = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject'] as const),
    reason: Type.Optional(Reason('Why; mailed to the person', 'Nom d’usage justifié par la pièce fournie')),
  },
  strict,
)

export const StatusChange = Type.Object({ id: Uuid, status: AccountStatus })

export const ProfileChange = Type.Object({
  id: UuidOf(EXAMPLE_ID.change),
  accountId: Uuid,
  firstName: Str('Claire', { description: 'The account’s current first name' }),
  lastName: Str('Martin', { description: 'The account’s current last name' }),
  changes: Type.Record(Type.String(), Type.String(), {
    description: 'Requested values, by field: civility, firstName, lastName, rpps',
    examples: [{ lastName: 'Martin-Roussel' }],
  }),
  status: ChangeStatus,
  createdAt: DateTime,
  reason: Nullable(Str('Nom d’usage justifié par la pièce fournie')),
  decidedAt: Nullable(DateTime),
})

export const AuditEvent = Type.Object({
  id: Type.Integer({ examples: [48213] }),
  occurredAt: DateTime,
  actorType: Type.Enum(['person', 'lab', 'system', 'anonymous'] as const),
  actorId: Nullable(Str(EXAMPLE_ID.approver)),
  action: Str('account.suspended'),
  subjectType: Str('account'),
  subjectId: Nullable(Str(EXAMPLE_ID.account)),
  reason: Nullable(Str('Compte partagé signalé par le cabinet')),
  requestId: Nullable(Str('d3b07384-d9a0-4c1e-8f2b-6a5e4c3b2a19')),
  details: Type.Record(Type.String(), Type.Unknown(), { examples: [{ sessionsEnded: 2 }] }),
})

export const ApplicationId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', examples: ['resultats'] })

export const ApplicationSettings = Type.Object(
  {
    name: Line(120, 'Résultats d’analyses'),
    url: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 500,
      examples: ['https://resultats.example.org'],
    }),
    description: Type.Optional(
      Nullable(Line(500, 'Les résultats des patients, pour les prescripteurs', { minLength: 0 })),
    ),
    active: Type.Boolean(),
  },
  strict,
)

export const Application = Type.Object({
  id: ApplicationId,
  name: Str('Résultats d’analyses'),
  url: Str('https://resultats.example.org'),
  description: Nullable(Str('Les résultats des patients, pour les prescripteurs')),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
})
