import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf, recordAudit } from '../audit/audit.ts'
import { notFound, unprocessable } from '../shared/errors.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_LAB_CLIENT_SECRET, Str, UuidOf } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { createLabClient, revokeLabClient } from './clients.ts'
import { labsWithCenters, lookupCorrespondentCode } from './repository.ts'
import { Code, CorrespondentLookup, Lab, LabId, LabSettings } from './schemas.ts'

const support = [{ bearerAuth: [] }]
const LabClientId = UuidOf(EXAMPLE_ID.labClient)

/** Labs for the registration form, correspondent code look-up, and support's lab settings. */
export const labRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, clock, guard } = app

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
    async () => ({ items: await labsWithCenters(db) }),
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
    async (request) => {
      const rows = await lookupCorrespondentCode(db, request.params.code, request.query.labId)
      const row = rows[0]
      if (!row) throw notFound('No active correspondent code matches.', 'unknown_correspondent_code')
      if (rows.length > 1)
        throw unprocessable('lab_required', 'Several labs use this code: name the lab (labId).')
      return {
        code: row.code,
        lab: { id: row.lab_id, name: row.lab_name },
        center: row.center_id
          ? { id: row.center_id, code: row.center_code ?? '', name: row.center_name ?? '' }
          : null,
        structure: {
          id: row.structure_id,
          name: row.structure_name,
          city: row.city,
          finess: row.finess,
          siret: row.siret,
        },
      }
    },
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
    async (request) => {
      const { labId } = request.params
      const now = clock.now()
      const lab = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('labs')
          .values({
            id: labId,
            name: request.body.name,
            requires_correspondent_code: request.body.requiresCorrespondentCode,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              name: request.body.name,
              requires_correspondent_code: request.body.requiresCorrespondentCode,
              updated_at: now,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow()
        await recordAudit(trx, clock, actorOf(request), {
          action: 'lab.saved',
          subjectType: 'lab',
          subjectId: labId,
          details: request.body,
        })
        return row
      })
      return { id: lab.id, name: lab.name, requiresCorrespondentCode: lab.requires_correspondent_code }
    },
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
      const client = await createLabClient(
        { db, clock },
        actorOf(request),
        request.params.labId,
        request.body.name,
      )
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
      await revokeLabClient({ db, clock }, actorOf(request), request.params.labId, request.params.clientId)
      return reply.status(204).send(null)
    },
  )
}
