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
        security,
        response: { 200: Type.Object({ items: Type.Array(EmailAddress) }) },
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
          'Needs a recent re-authentication (`POST /v1/auth/step-up`), else 401 `step_up_required`.',
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
        response: { 201: EmailAddress },
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
          'Making it the login or notification address needs a recent re-authentication (`POST /v1/auth/step-up`). ' +
          'When the login address changes, the former one is told and the other sessions end.',
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
        response: { 200: EmailAddress, 401: stepUpRequiredResponse },
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
          'Needs a recent re-authentication (`POST /v1/auth/step-up`). Removing the login address ends the other sessions.',
        security,
        params: Type.Object({ id: EmailId }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removeAddress(deps, actorOf(request), personOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
