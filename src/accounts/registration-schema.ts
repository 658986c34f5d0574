import { Type } from 'typebox'
import {
  EXAMPLE_ID,
  EXAMPLE_PROOF,
  EXAMPLE_PSC_REGISTRATION_TOKEN,
  EXAMPLE_RPPS,
  UuidOf,
} from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { Phone } from '../structures/schemas.ts'

export const PracticePlaceInput = Type.Object(
  {
    structureId: Type.Optional(UuidOf(EXAMPLE_ID.structure)),
    finess: Type.Optional(
      Type.String({
        pattern: '^[0-9][0-9ABab][0-9]{7}$',
        description: 'An establishment of the FINESS directory',
        examples: ['810000018'],
      }),
    ),
    labCenterId: UuidOf(EXAMPLE_ID.labCenter),
    primary: Type.Boolean(),
  },
  { additionalProperties: false },
)

export const Registration = Type.Object(
  {
    proof: Line(200, EXAMPLE_PROOF, {
      minLength: 20,
      description: 'From POST /v1/email-proofs/{id}/confirm',
    }),
    pscRegistrationToken: Type.Optional(
      Line(200, EXAMPLE_PSC_REGISTRATION_TOKEN, {
        minLength: 20,
        description:
          'From POST /v1/auth/psc/callback (outcome `registration`), 30 minutes, single use: the identity ' +
          'Pro Santé Connect verified (RPPS, names, and civility and profession when it gives them) comes ' +
          'from it and may not be typed',
      }),
    ),
    profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
    civility: Type.Optional(
      Type.Enum(['M', 'MME'] as const, { description: 'Required, unless Pro Santé Connect gave it' }),
    ),
    practiceCivility: Type.Optional(Type.Enum(['DR', 'PR'] as const)),
    firstName: Type.Optional(
      Line(100, 'Claire', { description: 'Required, unless with a Pro Santé Connect registration token' }),
    ),
    lastName: Type.Optional(
      Line(100, 'Martin', { description: 'Required, unless with a Pro Santé Connect registration token' }),
    ),
    profession: Type.Optional(
      Type.String({
        pattern: '^[0-9]{2}$',
        description: 'National profession code, e.g. 10 médecin',
        examples: ['10'],
      }),
    ),
    rpps: Type.Optional(Line(20, EXAMPLE_RPPS)),
    accountTitle: Type.Optional(Line(120, 'Secrétariat du Dr Martin')),
    practicePlaces: Type.Array(PracticePlaceInput, { minItems: 1, maxItems: 20 }),
    correspondentCode: Type.Optional(Line(40, 'C012345')),
    rights: Type.Optional(
      Type.Object({ results: Type.Boolean(), invoices: Type.Boolean() }, { additionalProperties: false }),
    ),
    approverId: Type.Optional(UuidOf(EXAMPLE_ID.approver)),
    approverRpps: Type.Optional(Type.String({ pattern: '^[0-9]{11}$', examples: [EXAMPLE_RPPS] })),
    password: Type.Optional(Line(512, 'Tournesol-vert-qui-chante-42', { minLength: 0 })),
    passwordConfirmation: Type.Optional(Line(512, 'Tournesol-vert-qui-chante-42', { minLength: 0 })),
    phones: Type.Optional(Type.Array(Line(30, '+33563000000', { minLength: 0 }), { maxItems: 5 })),
    termsVersion: Line(40, '2026-01'),
  },
  {
    additionalProperties: false,
    examples: [
      {
        proof: 'kq3H4yV0Yh2tq2mJm7o9e3bqf8XQm1nC2c0sR5x7Y8w',
        profile: 'health_professional',
        civility: 'MME',
        practiceCivility: 'DR',
        firstName: 'Hélène',
        lastName: 'Dupré',
        profession: '10',
        rpps: '10000000009',
        practicePlaces: [
          {
            structureId: '6f1c2d7e-9a3b-4c5d-8e7f-0a1b2c3d4e5f',
            labCenterId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
            primary: true,
          },
        ],
        correspondentCode: 'C012345',
        rights: { results: true, invoices: true },
        password: 'Tournesol-vert-qui-chante-42',
        passwordConfirmation: 'Tournesol-vert-qui-chante-42',
        phones: ['+33563000000'],
        termsVersion: '2026-01',
      },
      {
        proof: 'Pq7Lm2Nx5Vb8Cz1Ak4Sd6Fg9Hj3Kl0Qw2Er5Ty8Ui1O',
        pscRegistrationToken: EXAMPLE_PSC_REGISTRATION_TOKEN,
        profile: 'health_professional',
        practicePlaces: [
          {
            structureId: '6f1c2d7e-9a3b-4c5d-8e7f-0a1b2c3d4e5f',
            labCenterId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
            primary: true,
          },
        ],
        correspondentCode: 'C012345',
        phones: ['+33563000000'],
        termsVersion: '2026-01',
      },
      {
        proof: 'Zr8Kq1mV6xN3pL0aS4dF7gH2jK5lQ9wE1rT6yU3iO8p',
        profile: 'collaborator',
        civility: 'MME',
        firstName: 'Julie',
        lastName: 'Bernard',
        accountTitle: 'Secrétariat du Dr Dupré',
        practicePlaces: [
          {
            structureId: '6f1c2d7e-9a3b-4c5d-8e7f-0a1b2c3d4e5f',
            labCenterId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
            primary: true,
          },
        ],
        correspondentCode: 'C012345',
        rights: { results: true, invoices: false },
        approverId: '0b6f0a57-5b0e-4a8e-9d4a-2f7c3e1d9a10',
        termsVersion: '2026-01',
      },
    ],
  },
)

export type RegistrationInput = Type.Static<typeof Registration>

export const RegistrationResult = Type.Object({
  id: UuidOf(EXAMPLE_ID.account),
  status: Type.Enum(['pending_approval', 'pending_validation'] as const),
})

export { Phone }
