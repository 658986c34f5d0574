import { Type } from 'typebox'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])
export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['claire.martin@example.org'] })
export const Password = Type.String({ minLength: 1, maxLength: 512 })
export const Uuid = Type.String({ format: 'uuid' })

export const ACCOUNT_STATUSES = [
  'email_unverified',
  'pending_approval',
  'pending_validation',
  'active',
  'suspended',
  'closed',
  'rejected',
] as const

export const Me = Type.Object(
  {
    id: Uuid,
    status: Type.Enum(ACCOUNT_STATUSES),
    profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
    roles: Type.Array(Type.String()),
    civility: Type.Enum(['M', 'MME'] as const),
    practiceCivility: Nullable(Type.Enum(['DR', 'PR'] as const)),
    firstName: Type.String(),
    lastName: Type.String(),
    profession: Nullable(Type.Object({ code: Type.String(), label: Type.String() })),
    rpps: Nullable(Type.String()),
    accountTitle: Nullable(Type.String()),
    phones: Type.Array(Type.String()),
    locale: Type.Enum(['fr', 'en'] as const),
    totpEnabled: Type.Boolean(),
    emails: Type.Array(
      Type.Object({
        id: Uuid,
        address: Type.String(),
        isLogin: Type.Boolean(),
        isNotification: Type.Boolean(),
        applications: Type.Array(Type.String(), {
          description: 'Applications that know the person by this address',
        }),
      }),
    ),
    practicePlaces: Type.Array(
      Type.Object({
        id: Uuid,
        primary: Type.Boolean(),
        structure: Type.Object({
          id: Uuid,
          name: Type.String(),
          city: Nullable(Type.String()),
          finess: Nullable(Type.String()),
          siret: Nullable(Type.String()),
        }),
        labCenter: Nullable(
          Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), labId: Type.String() }),
        ),
      }),
    ),
    rights: Type.Array(
      Type.Object({
        structureId: Uuid,
        structureName: Type.String(),
        rights: Type.Array(Type.Enum(['results', 'invoices'] as const)),
      }),
      { description: 'Sensitive rights in force now, per structure' },
    ),
    pendingChanges: Type.Array(
      Type.Object({
        id: Uuid,
        changes: Type.Record(Type.String(), Type.String()),
        createdAt: Type.String({ format: 'date-time' }),
      }),
    ),
    termsVersion: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Me', title: 'Me' },
)

export const TokenPair = Type.Object({
  accessToken: Type.String({ description: 'ES256 JWT, 10 minutes' }),
  refreshToken: Type.String({ description: 'Single use: each refresh returns the next one' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds' }),
})
