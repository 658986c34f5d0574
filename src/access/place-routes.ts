import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { listPlaces } from '../accounts/places.ts'
import { Me } from '../accounts/schemas.ts'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { addPlace, removePlace } from './places.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const PracticePlace = Me.properties.practicePlaces.items

/** `/v1/me/practice-places`: the person's own places, asked (pending until confirmed) and removed. */
export const placeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/me/practice-places',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'listMyPracticePlaces',
        summary: 'The places where this person practises, the primary one flagged',
        description: 'For any signed-in person: their own places, oldest first, confirmed or pending.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(PracticePlace) },
            { description: 'Every practice place of the account, with its structure and lab centre.' },
          ),
        },
      },
    },
    async (request) => ({ items: await listPlaces(deps.db, personOf(request).sub) }),
  )

  app.post(
    '/v1/me/practice-places',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'addMyPracticePlace',
        summary: 'Adds a practice place at a known structure and lab centre; primary moves the flag here',
        description:
          'For any signed-in person. The place is pending, and counts nowhere, until a responsible ' +
          'professional of the structure or a delegate (or the support desk, when it has none) confirms it. ' +
          'An unknown structure or lab centre is a 422; a second place at the same structure a 409.',
        security,
        body: Type.Object(
          {
            structureId: UuidOf(EXAMPLE_ID.structure),
            labCenterId: UuidOf(EXAMPLE_ID.labCenter),
            primary: Type.Optional(Type.Boolean()),
          },
          strict,
        ),
        response: { 201: Type.With(PracticePlace, { description: 'The place is asked for, pending.' }) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addPlace(deps, actorOf(request), personOf(request).sub, request.body)),
  )

  app.delete(
    '/v1/me/practice-places/:id',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'removeMyPracticePlace',
        summary: 'Removes a practice place, never the last; the oldest left becomes primary if needed',
        description:
          'For any signed-in person, on their own places (another’s is a 404; the last one a 409). The ' +
          'rights held there, the requests waiting there and the delegations given for it go with the place.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.practicePlace) }),
        response: { 204: Type.Null({ description: 'The place is removed, with what depended on it.' }) },
      },
    },
    async (request, reply) => {
      await removePlace(deps, actorOf(request), personOf(request).sub, request.params.id)
      return reply.status(204).send(null)
    },
  )
}
