import { Type } from 'typebox'
import {
  DateTime,
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_ID,
  EXAMPLE_REFRESH_TOKEN,
  EXAMPLE_RPPS,
  Nullable,
  Str,
  UuidOf,
} from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { StructureSummary } from '../structures/schemas.ts'

export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['claire.martin@example.org'] })
export const Password = Line(512, 'Tournesol-vert-qui-chante-42')
export const Uuid = UuidOf(EXAMPLE_ID.account)
export const Civility = Type.Enum(['M', 'MME'] as const)
export const PracticeCivility = Type.Enum(['DR', 'PR'] as const)
export const Profession = Type.Object({ code: Str('10'), label: Str('Médecin') })
export const Rpps = Str(EXAMPLE_RPPS)

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
    roles: Type.Array(Str('support')),
    civility: Civility,
    practiceCivility: Nullable(PracticeCivility),
    firstName: Str('Claire'),
    lastName: Str('Martin'),
    profession: Nullable(Profession),
    rpps: Nullable(Rpps),
    accountTitle: Nullable(Str('Secrétariat du Dr Martin')),
    phones: Type.Array(Str('+33563000000')),
    locale: Type.Enum(['fr', 'en'] as const),
    totpEnabled: Type.Boolean(),
    pscLinked: Type.Boolean({ description: 'Signs in with Pro Santé Connect' }),
    identityVerifiedBy: Nullable(
      Type.Enum(['psc'] as const, {
        description: 'Pro Santé Connect verified the identity (registered through it, or linked to it)',
      }),
    ),
    emails: Type.Array(
      Type.Object({
        id: UuidOf(EXAMPLE_ID.email),
        address: Str('claire.martin@example.org'),
        isLogin: Type.Boolean(),
        isNotification: Type.Boolean(),
        applications: Type.Array(Str('resultats'), {
          description: 'Applications that know the person by this address',
        }),
      }),
    ),
    practicePlaces: Type.Array(
      Type.Object({
        id: UuidOf(EXAMPLE_ID.practicePlace),
        primary: Type.Boolean(),
        status: Type.Enum(['pending', 'confirmed'] as const, {
          description:
            'A place added after registration waits for a professional of the structure (or the support desk); ' +
            'places given at registration, for the validation of the account. Only confirmed places count.',
          examples: ['confirmed'],
        }),
        structure: StructureSummary,
        labCenter: Nullable(
          Type.Object({
            id: UuidOf(EXAMPLE_ID.labCenter),
            code: Str('ALB01'),
            name: Str('Biomnis Albi Lices'),
            labId: Str('biomnis'),
          }),
        ),
      }),
    ),
    rights: Type.Array(
      Type.Object({
        structureId: UuidOf(EXAMPLE_ID.structure),
        structureName: Str('Cabinet médical des Lices'),
        rights: Type.Array(Type.Enum(['results', 'invoices'] as const)),
      }),
      { description: 'Sensitive rights in force now, per structure' },
    ),
    pendingChanges: Type.Array(
      Type.Object({
        id: UuidOf(EXAMPLE_ID.change),
        changes: Type.Record(Type.String(), Type.String(), { examples: [{ lastName: 'Martin-Roussel' }] }),
        createdAt: DateTime,
      }),
    ),
    termsVersion: Str('2026-01'),
    createdAt: DateTime,
  },
  { $id: 'Me', title: 'Me' },
)

export const EXAMPLE_TOKEN_PAIR = {
  accessToken: EXAMPLE_ACCESS_TOKEN,
  refreshToken: EXAMPLE_REFRESH_TOKEN,
  tokenType: 'Bearer',
  expiresIn: 600,
} as const

export const TokenPair = Type.Object({
  accessToken: Str(EXAMPLE_ACCESS_TOKEN, { description: 'ES256 JWT, 10 minutes' }),
  refreshToken: Str(EXAMPLE_REFRESH_TOKEN, { description: 'Single use: each refresh returns the next one' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds', examples: [600] }),
})
