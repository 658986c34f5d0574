import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { requireRecentAuthentication } from '../auth/step-up.ts'
import { EXAMPLE_ID, EXAMPLE_RPPS, Str, UuidOf } from '../shared/examples.ts'
import { stepUpRequiredResponse } from '../shared/problem.ts'
import { Line } from '../shared/text.ts'
import { ApplicationId, addressRoutes } from './address-routes.ts'
import { listApplications, setApplicationIdentity } from './applications.ts'
import { updateProfile } from './profile.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const EmailId = UuidOf(EXAMPLE_ID.email)

/** The person's own profile and applications; their addresses are in address-routes, their practice places in access/place-routes. */
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
          'For any signed-in person, on their own profile. Civility, names and RPPS become one change request ' +
          'that the support desk decides (202); the profile keeps its values meanwhile, and a second request ' +
          'waits for the first to be decided (409 change_pending). An RPPS another account carries is a 409 `rpps_taken`. ' +
          'Asking for a new RPPS needs a recent re-authentication (401 `step_up_required`); once approved, the Pro ' +
          'Santé Connect identity of the former RPPS is unlinked, and the new one is linked only from the account.',
        security,
        body: Type.Object(
          {
            phones: Type.Optional(Type.Array(Line(30, '+33563000000', { minLength: 0 }), { maxItems: 5 })),
            accountTitle: Type.Optional(
              Type.Union([Line(120, 'Secrétariat du Dr Martin'), Type.Null()], {
                description: 'Collaborators only; null removes it',
              }),
            ),
            civility: Type.Optional(Type.Enum(['M', 'MME'] as const)),
            firstName: Type.Optional(Line(100, 'Claire')),
            lastName: Type.Optional(Line(100, 'Martin-Roussel')),
            rpps: Type.Optional(Line(20, EXAMPLE_RPPS, { description: 'Professionals only' })),
          },
          { ...strict, minProperties: 1 },
        ),
        response: {
          200: Type.Ref('Me', {
            description: 'No identity change to decide: the account as it now is.',
          }),
          401: stepUpRequiredResponse,
          202: Type.Object(
            { changeRequestId: UuidOf(EXAMPLE_ID.change), me: Type.Ref('Me') },
            {
              description:
                'The identity change waits for the support desk: its request, and the account (other changes made).',
            },
          ),
        },
      },
    },
    async (request, reply) => {
      const person = personOf(request)
      // A new RPPS would let its Pro Santé Connect identity reach the account: a recent authentication first.
      if (request.body.rpps !== undefined) requireRecentAuthentication(person, deps.clock.now())
      const result = await updateProfile(deps, actorOf(request), person.sub, request.body)
      return result.changeRequestId ? reply.status(202).send(result) : reply.status(200).send(result.me)
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
        description: 'For any signed-in person: the portal’s applications (tiles) open to them.',
        security,
        response: {
          200: Type.Object(
            {
              items: Type.Array(
                Type.Object({
                  id: ApplicationId,
                  name: Str('Résultats d’analyses'),
                  url: Str('https://resultats.example.org'),
                  description: Type.Union([
                    Str('Les résultats des patients, pour les prescripteurs'),
                    Type.Null(),
                  ]),
                  emailId: Type.Union([EmailId, Type.Null()], {
                    description: 'Null until an address is chosen',
                  }),
                }),
              ),
            },
            {
              description:
                'The applications, each with the address that identifies the person there, if any.',
            },
          ),
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
        description:
          'For any signed-in person, with one of their own addresses; an unknown or inactive application, ' +
          'or another account’s address, is a 404. The application leaves any other address of the person.',
        security,
        params: Type.Object({ applicationId: ApplicationId }),
        body: Type.Object({ emailId: EmailId }, strict),
        response: {
          200: Type.Object(
            { applicationId: ApplicationId, emailId: EmailId },
            { description: 'The address now identifies the person in the application.' },
          ),
        },
      },
    },
    async (request) =>
      setApplicationIdentity(deps, actorOf(request), personOf(request).sub, {
        applicationId: request.params.applicationId,
        emailId: request.body.emailId,
      }),
  )
}
