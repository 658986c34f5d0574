import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_LAB_CLIENT_SECRET, Str, UuidOf } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { createLabClient, revokeLabClient } from './clients.ts'
import { findCorrespondentCode, saveLab } from './labs.ts'
import { labsWithCenters } from './repository.ts'
import { Code, CorrespondentLookup, Lab, LabId, LabSettings } from './schemas.ts'

const support = [{ bearerAuth: [] }]
const LabClientId = UuidOf(EXAMPLE_ID.labClient)

/** Labs for the registration form, correspondent code look-up, and support's lab settings. */
export const labRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/labs',
    {
      schema: {
        tags: ['labs'],
        operationId: 'listLabs',
        summary: 'Labs and their centres',
        description:
          'Public, for the registration form: each practice place names the lab centre it usually works with.',
        response: {
          200: Type.Object(
            { items: Type.Array(Lab) },
            { description: 'Every lab, whether it requires a correspondent code, and its centres.' },
          ),
        },
      },
    },
    async () => ({ items: await labsWithCenters(deps.db) }),
  )

  app.get(
    '/v1/correspondent-codes/:code',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['labs'],
        operationId: 'lookupCorrespondentCode',
        summary: 'The practice behind an active correspondent code (for the registration form)',
        description:
          'Public and throttled (30 a minute). An unknown, inactive or not yet linked code is a 404 ' +
          '`unknown_correspondent_code`; a code several labs use needs `labId` (422 `lab_required`).',
        params: Type.Object({ code: Code }),
        querystring: Type.Object({ labId: Type.Optional(LabId) }),
        response: {
          200: Type.With(CorrespondentLookup, {
            description: 'The code’s lab, lab centre and structure, to pre-fill the practice place.',
          }),
        },
      },
    },
    async (request) => findCorrespondentCode(deps.db, request.params.code, request.query.labId),
  )

  app.put(
    '/v1/admin/labs/:labId',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['labs'],
        operationId: 'putLab',
        summary: 'Support: create or update a lab',
        description: 'For the support desk (role `support`); audited.',
        security: support,
        params: Type.Object({ labId: LabId }),
        body: LabSettings,
        response: {
          200: Type.Object(
            { id: Str('biomnis'), name: Str('Biomnis'), requiresCorrespondentCode: Type.Boolean() },
            { description: 'The lab as it now is.' },
          ),
        },
      },
    },
    async (request) => saveLab(deps, actorOf(request), request.params.labId, request.body),
  )

  app.post(
    '/v1/admin/labs/:labId/clients',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['labs'],
        operationId: 'createLabClient',
        summary: 'Support: a machine client for a lab system (the secret is shown once)',
        description:
          'For the support desk (role `support`); an unknown lab is a 404. The client gets tokens for its lab ' +
          'at `POST /v1/oauth/token`; its secret is stored hashed and never shown again.',
        security: support,
        params: Type.Object({ labId: LabId }),
        body: Type.Object(
          { name: Line(120, 'Serveur de résultats Biomnis') },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object(
            {
              clientId: LabClientId,
              clientSecret: Str(EXAMPLE_LAB_CLIENT_SECRET, { description: 'Shown once; stored hashed' }),
              labId: Str('biomnis'),
              name: Str('Serveur de résultats Biomnis'),
              createdAt: DateTime,
            },
            { description: 'The new client, with its secret, shown this once.' },
          ),
        },
      },
    },
    async (request, reply) => {
      const client = await createLabClient(deps, actorOf(request), request.params.labId, request.body.name)
      return reply.status(201).header('cache-control', 'no-store').send(client)
    },
  )

  app.delete(
    '/v1/admin/labs/:labId/clients/:clientId',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['labs'],
        operationId: 'revokeLabClient',
        summary: 'Support: revoke a lab client (its tokens stop working at once)',
        description:
          'For the support desk (role `support`); an unknown or revoked client of this lab is a 404.',
        security: support,
        params: Type.Object({ labId: LabId, clientId: LabClientId }),
        response: { 204: Type.Null({ description: 'The client is revoked, its tokens with it.' }) },
      },
    },
    async (request, reply) => {
      await revokeLabClient(deps, actorOf(request), request.params.labId, request.params.clientId)
      return reply.status(204).send(null)
    },
  )
}
