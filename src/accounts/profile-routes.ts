import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { ApplicationId, addressRoutes } from './address-routes.ts'
import { listApplications, setApplicationIdentity } from './applications.ts'
import { addPlace, listPlaces, removePlace } from './places.ts'
import { updateProfile } from './profile.ts'
import { Me, Uuid } from './schemas.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })
const PracticePlace = Me.properties.practicePlaces.items

/** The person's own profile, practice places and applications; their addresses are in address-routes. */
export const profileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  await app.register(addressRoutes)

  app.patch(
    '/v1/me',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'updateMe',
        summary: 'Edits the profile: phones and account title at once; civility, names and RPPS via support',
        description:
          'Civility, names and RPPS become one change request that the support desk decides (202); the profile ' +
          'keeps its values meanwhile, and a second request waits for the first to be decided (409 change_pending).',
        security,
        body: Type.Object(
          {
            phones: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { maxItems: 5 })),
            accountTitle: Type.Optional(
              Type.Union([Text(120), Type.Null()], { description: 'Collaborators only; null removes it' }),
            ),
            civility: Type.Optional(Type.Enum(['M', 'MME'] as const)),
            firstName: Type.Optional(Text(100)),
            lastName: Type.Optional(Text(100)),
            rpps: Type.Optional(
              Type.String({ minLength: 1, maxLength: 20, description: 'Professionals only' }),
            ),
          },
          { ...strict, minProperties: 1 },
        ),
        response: {
          200: Type.Ref('Me'),
          202: Type.Object({ changeRequestId: Uuid, me: Type.Ref('Me') }),
        },
      },
    },
    async (request, reply) => {
      const result = await updateProfile(deps, actorOf(request), personOf(request).sub, request.body)
      return result.changeRequestId ? reply.status(202).send(result) : reply.status(200).send(result.me)
    },
  )

  app.get(
    '/v1/me/practice-places',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'listMyPracticePlaces',
        summary: 'The places where this person practises, the primary one flagged',
        security,
        response: { 200: Type.Object({ items: Type.Array(PracticePlace) }) },
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
        security,
        body: Type.Object(
          { structureId: Uuid, labCenterId: Uuid, primary: Type.Optional(Type.Boolean()) },
          strict,
        ),
        response: { 201: PracticePlace },
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
        security,
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removePlace(deps, actorOf(request), personOf(request).sub, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/v1/me/applications',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'listMyApplications',
        summary: 'The applications open to this person, and the address each knows them by',
        security,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: ApplicationId,
                name: Type.String(),
                url: Type.String(),
                description: Type.Union([Type.String(), Type.Null()]),
                emailId: Type.Union([Uuid, Type.Null()], { description: 'Null until an address is chosen' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => listApplications(deps.db, personOf(request).sub),
  )

  app.put(
    '/v1/me/applications/:applicationId/identity',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'setMyApplicationIdentity',
        summary: 'Chooses which of this person’s addresses identifies them in an application',
        security,
        params: Type.Object({ applicationId: ApplicationId }),
        body: Type.Object({ emailId: Uuid }, strict),
        response: { 200: Type.Object({ applicationId: ApplicationId, emailId: Uuid }) },
      },
    },
    async (request) =>
      setApplicationIdentity(deps, actorOf(request), personOf(request).sub, {
        applicationId: request.params.applicationId,
        emailId: request.body.emailId,
      }),
  )
}
