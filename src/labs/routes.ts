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
        response: { 200: Type.Object({ items: Type.Array(Lab) }) },
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
        params: Type.Object({ code: Code }),
        querystring: Type.Object({ labId: Type.Optional(LabId) }),
        response: { 200: CorrespondentLookup },
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
        security: support,
        params: Type.Object({ labId: LabId }),
        body: LabSettings,
        response: {
          200: Type.Object({
            id: Str('biomnis'),
            name: Str('Biomnis'),
            requiresCorrespondentCode: Type.Boolean(),
          }),
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
        security: support,
        params: Type.Object({ labId: LabId }),
        body: Type.Object(
          { name: Line(120, 'Serveur de résultats Biomnis') },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            clientId: LabClientId,
            clientSecret: Str(EXAMPLE_LAB_CLIENT_SECRET, { description: 'Shown once; stored hashed' }),
            labId: Str('biomnis'),
            name: Str('Serveur de résultats Biomnis'),
            createdAt: DateTime,
          }),
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
        security: support,
        params: Type.Object({ labId: LabId, clientId: LabClientId }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await revokeLabClient({ db, clock }, actorOf(request), request.params.labId, request.params.clientId)
      return reply.status(204).send(null)
    },
  )
}
