import type { FastifyRequest } from 'fastify'
import { personOf } from '../auth/authenticate.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import type { Actor } from './policy.ts'

/** What the access routes share: the ids they name, their security, and the caller as policy sees them. */
export const StructureId = UuidOf(EXAMPLE_ID.structure)
export const CollaboratorId = UuidOf(EXAMPLE_ID.collaborator)
export const security = [{ bearerAuth: [] }]
export const strict = { additionalProperties: false } as const

/** The signed-in caller as `policy.ts` judges them: their account and roles. */
export const actor = (request: FastifyRequest): Actor => {
  const person = personOf(request)
  return { accountId: person.sub, roles: person.roles }
}
