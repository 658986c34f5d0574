import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { requireRecentAuthentication } from '../auth/step-up.ts'
import { EXAMPLE_ID, EXAMPLE_PROOF, UuidOf } from '../shared/examples.ts'
import { stepUpRequiredResponse } from '../shared/problem.ts'
import { Line } from '../shared/text.ts'
import { addAddress, listAddresses, removeAddress, updateAddress } from './addresses.ts'
import { Me } from './schemas.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
export const ApplicationId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', examples: ['resultats'] })
const Applications = Type.Array(ApplicationId, {
  maxItems: 50,
  uniqueItems: true,
  description: 'Applications that are to know the person by this address (each leaves any other address)',
})
const EmailAddress = Me.properties.emails.items
const EmailId = UuidOf(EXAMPLE_ID.email)

/** The person's own addresses: add one proven by code, choose the login and notification ones, remove. */
export const addressRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/me/emails',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'listMyEmails',
        summary: 'This account’s addresses: login, notification, and the applications each identifies in',
        description: 'For any signed-in person: their own addresses only.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(EmailAddress) },
            { description: 'Every address of the account, with its roles and applications.' },
          ),
        },
      },
    },
    async (request) => ({ items: await listAddresses(deps.db, personOf(request).sub) }),
  )

  app.post(
    '/v1/me/emails',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'addMyEmail',
        summary: 'Adds an address proven by code (purpose add_email); the notification address is told',
        description:
          'For a signed-in person with a recent re-authentication (`POST /v1/auth/step-up`), else 401 ' +
          '`step_up_required`. The proof must be of purpose `add_email` (else 422 `invalid_proof`); an address ' +
          'another account uses is a 409 `email_taken`.',
        security,
        body: Type.Object(
          {
            proof: Line(200, EXAMPLE_PROOF, {
              minLength: 20,
              description: 'From POST /v1/email-proofs/{id}/confirm, purpose add_email',
            }),
            notification: Type.Optional(Type.Boolean({ description: 'Makes it the notification address' })),
            applications: Type.Optional(Applications),
          },
          strict,
        ),
        response: {
          201: Type.With(EmailAddress, { description: 'The address is added to the account.' }),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addAddress(deps, actorOf(request), personOf(request).sub, request.body)),
  )

  app.patch(
    '/v1/me/emails/:id',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'updateMyEmail',
        summary: 'Makes an address the login or notification one; sets the applications it identifies in',
        description:
          'For a signed-in person, on their own addresses (another’s is a 404). Making it the login or ' +
          'notification address needs a recent re-authentication (`POST /v1/auth/step-up`); choosing its ' +
          'applications does not. When the login address changes, the former one is told and the other sessions end.',
        security,
        params: Type.Object({ id: EmailId }),
        body: Type.Object(
          {
            notification: Type.Optional(Type.Literal(true)),
            login: Type.Optional(Type.Literal(true)),
            applications: Type.Optional(Applications),
          },
          { ...strict, minProperties: 1 },
        ),
        response: {
          200: Type.With(EmailAddress, { description: 'The address as it now is.' }),
          401: stepUpRequiredResponse,
        },
      },
    },
    async (request) => {
      const person = personOf(request)
      if (request.body.login || request.body.notification)
        requireRecentAuthentication(person, deps.clock.now())
      return updateAddress(deps, actorOf(request), person, request.params.id, request.body)
    },
  )

  app.delete(
    '/v1/me/emails/:id',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'removeMyEmail',
        summary:
          'Removes an address, never the last; its login or notification role moves to the oldest left',
        description:
          'For a signed-in person, on their own addresses, with a recent re-authentication ' +
          '(`POST /v1/auth/step-up`). The last address is a 409 `last_address`. Removing the login address ' +
          'ends the other sessions.',
        security,
        params: Type.Object({ id: EmailId }),
        response: {
          204: Type.Null({ description: 'The address is removed; its roles moved to the oldest left.' }),
        },
      },
    },
    async (request, reply) => {
      await removeAddress(deps, actorOf(request), personOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
