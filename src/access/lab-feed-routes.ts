import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const LabEvent = Type.Object({
  id: Type.Integer({ description: 'Increasing: resume with ?after=<last id>' }),
  type: Type.String({ examples: ['right.granted'] }),
  occurredAt: Type.String({ format: 'date-time' }),
  account: Type.Object({
    id: Type.String(),
    rpps: Type.Union([Type.String(), Type.Null()]),
    civility: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    profile: Type.String(),
    status: Type.String(),
  }),
  structure: Type.Union([
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      finess: Type.Union([Type.String(), Type.Null()]),
      siret: Type.Union([Type.String(), Type.Null()]),
      city: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  correspondentCodes: Type.Array(Type.String(), { description: 'This lab’s codes for the structure' }),
  labRegistrationNumber: Type.Union([Type.String(), Type.Null()]),
  right: Type.Optional(Type.Enum(['results', 'invoices'] as const)),
})

/** The ordered feed of account and right changes for a lab system: who may receive results. */
export const labFeedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/labs/:labId/events',
    {
      onRequest: app.guard.lab,
      schema: {
        tags: ['lab-api'],
        operationId: 'readLabEvents',
        summary: 'Account and right changes for this lab, in order, from a cursor',
        security: [{ labClient: [] }],
        params: Type.Object({ labId: Type.String() }),
        querystring: Type.Object({
          after: Type.Integer({ minimum: 0, default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(LabEvent),
            next: Type.Integer({ description: 'The `after` of the next call' }),
          }),
        },
      },
    },
    async (request) => {
      const { after, limit } = request.query
      const rows = await app.db
        .selectFrom('lab_events')
        .select(['id', 'type', 'occurred_at', 'payload'])
        .where('lab_id', '=', request.params.labId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute()
      return {
        items: rows.map((row) => ({
          id: row.id,
          type: row.type,
          occurredAt: row.occurred_at.toISOString(),
          ...(row.payload as object),
        })) as never,
        next: rows.at(-1)?.id ?? after,
      }
    },
  )
}
