import { Type } from 'typebox'

/**
 * The values the OpenAPI document shows as `examples`: one fictitious practice in Albi, its
 * professional, her collaborator and their lab, so that the examples of every operation tell one story.
 */
export const EXAMPLE_ID = {
  account: '0b7c1d3e-5f4a-4c2b-9e8d-1a2b3c4d5e6f',
  collaborator: '3c9e5a71-2d4b-4f86-a0c1-7e8d9f0a1b2c',
  approver: '0b6f0a57-5b0e-4a8e-9d4a-2f7c3e1d9a10',
  structure: '6f1c2d7e-9a3b-4c5d-8e7f-0a1b2c3d4e5f',
  labCenter: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  email: '5d2a8c14-7b3e-4e9f-b1a6-2c4d6e8f0a13',
  practicePlace: '8e4f1a2b-3c5d-4e6f-9a7b-1c2d3e4f5a6b',
  request: '2f6a9d3c-8b1e-4c7a-9f5d-3e2b1a0c9d8e',
  delegation: '4a1b7c2d-9e3f-4a5b-8c6d-7e8f9a0b1c2d',
  session: '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  challenge: '7d3e9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f2a',
  proof: 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9',
  change: 'a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d',
  job: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f',
  labClient: 'f3e2d1c0-b9a8-4765-8432-10fedcba9876',
} as const

export const EXAMPLE_DATE_TIME = '2026-11-24T09:30:00.000Z'
export const EXAMPLE_RPPS = '10003456786'

/** A UUID, shown with an example of the thing it names. */
export const UuidOf = (example: string, options: { description?: string } = {}) =>
  Type.String({ format: 'uuid', examples: [example], ...options })

export const DateTime = Type.String({ format: 'date-time', examples: [EXAMPLE_DATE_TIME] })

/** The type, or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])

/** A string that the document shows with an example. */
export const Str = (example: string, options: { description?: string } = {}) =>
  Type.String({ ...options, examples: [example] })

/** Placeholders where a secret goes: they show the shape, never a working value. */
export const EXAMPLE_PROOF = 'example-email-proof-not-a-real-one-0000000'
export const EXAMPLE_LINK_TOKEN = 'example-link-token-not-a-real-one-00000000'
export const EXAMPLE_LAB_CLIENT_SECRET = 'lcs_example-not-a-real-secret-0000000000000000'
export const EXAMPLE_ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.e30.c2lnbmF0dXJl'
export const EXAMPLE_REFRESH_TOKEN = 'example-refresh-token-not-a-real-one-000000'
export const EXAMPLE_PSC_STATE = 'example-psc-state-not-a-real-one-000000000'
export const EXAMPLE_PSC_REGISTRATION_TOKEN = 'example-psc-registration-token-not-a-real-one'
