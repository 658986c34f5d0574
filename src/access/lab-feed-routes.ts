import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { LabId } from '../labs/schemas.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Str } from '../shared/examples.ts'

const LabEvent = Type.Object({
  id: Type.Integer({ description: 'Increasing: resume with ?after=<last id>', examples: [1042] }),
  type: Type.String({ examples: ['right.granted'] }),
  occurredAt: DateTime,
  account: Type.Object({
    id: Str(EXAMPLE_ID.account),
    rpps: Type.Union([Str(EXAMPLE_RPPS), Type.Null()]),
    civility: Str('MME'),
    firstName: Str('Claire'),
    lastName: Str('Martin'),
    profile: Str('health_professional'),
    status: Str('active'),
  }),
  structure: Type.Union([
    Type.Object({
      id: Str(EXAMPLE_ID.structure),
      name: Str('Cabinet médical des Lices'),
      finess: Type.Union([Str('810000018'), Type.Null()]),
      siret: Type.Union([Str('73282932000074'), Type.Null()]),
      city: Type.Union([Str('Albi'), Type.Null()]),
    }),
    Type.Null(),
  ]),
  correspondentCodes: Type.Array(Str('C012345'), { description: 'This lab’s codes for the structure' }),
  labRegistrationNumber: Type.Union([Str('ALB-004512'), Type.Null()]),
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
        description:
          'For a lab system’s token, on its own lab only (another lab’s is a 403). Events come in increasing ' +
          '`id` order after `after`: accounts activated or suspended, rights granted or withdrawn, practice ' +
          'places added or removed, lab registration numbers changed.',
        security: [{ labClient: [] }],
        params: Type.Object({ labId: LabId }),
        querystring: Type.Object({
          after: Type.Integer({ minimum: 0, default: 0, examples: [1041] }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, examples: [100] }),
        }),
        response: {
          200: Type.Object(
            {
              items: Type.Array(LabEvent),
              next: Type.Integer({ description: 'The `after` of the next call', examples: [1042] }),
            },
            { description: 'The next events, oldest first, and the cursor to resume from.' },
          ),
        },
      },
    },
    async (request) => {
      const { after, limit } = request.query
      const rows = await app.deps.db
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
