import { Type } from 'typebox'
import { Phone } from '../structures/schemas.ts'

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })
const Uuid = Type.String({ format: 'uuid' })

export const PracticePlaceInput = Type.Object(
  {
    structureId: Type.Optional(Uuid),
    finess: Type.Optional(
      Type.String({
        pattern: '^[0-9][0-9ABab][0-9]{7}$',
        description: 'An establishment of the FINESS directory',
      }),
    ),
    labCenterId: Uuid,
    primary: Type.Boolean(),
  },
  { additionalProperties: false },
)

export const Registration = Type.Object(
  {
    proof: Type.String({
      minLength: 20,
      maxLength: 200,
      description: 'From POST /v1/email-proofs/{id}/confirm',
    }),
    profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
    civility: Type.Enum(['M', 'MME'] as const),
    practiceCivility: Type.Optional(Type.Enum(['DR', 'PR'] as const)),
    firstName: Text(100),
    lastName: Text(100),
    profession: Type.Optional(
      Type.String({ pattern: '^[0-9]{2}$', description: 'National profession code, e.g. 10 médecin' }),
    ),
    rpps: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    accountTitle: Type.Optional(Text(120)),
    practicePlaces: Type.Array(PracticePlaceInput, { minItems: 1, maxItems: 20 }),
    correspondentCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    rights: Type.Optional(
      Type.Object({ results: Type.Boolean(), invoices: Type.Boolean() }, { additionalProperties: false }),
    ),
    approverId: Type.Optional(Uuid),
    approverRpps: Type.Optional(Type.String({ pattern: '^[0-9]{11}$' })),
    password: Type.Optional(Type.String({ maxLength: 512 })),
    passwordConfirmation: Type.Optional(Type.String({ maxLength: 512 })),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { maxItems: 5 })),
    termsVersion: Text(40),
  },
  { additionalProperties: false },
)

export type RegistrationInput = Type.Static<typeof Registration>

export const RegistrationResult = Type.Object({
  id: Uuid,
  status: Type.Enum(['pending_approval', 'pending_validation'] as const),
})

export { Phone }
