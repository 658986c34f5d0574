import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, NextCursor, pageOf } from '../shared/pagination.ts'
import { Lines } from '../shared/text.ts'
import { StructureSummary, structureSummaryOf } from '../structures/schemas.ts'
import { decidePlace, listPendingPlaces } from './memberships.ts'
import { actor } from './route-helpers.ts'

const PlaceId = UuidOf(EXAMPLE_ID.practicePlace)
const security = [{ bearerAuth: [] }]

const PendingPlace = Type.Object({
  id: PlaceId,
  requestedAt: DateTime,
  person: Type.Object({
    id: UuidOf(EXAMPLE_ID.collaborator),
    civility: Str('MME'),
    firstName: Str('Julie'),
    lastName: Str('Bernard'),
    profile: Type.Enum(['health_professional', 'collaborator', 'administrative'] as const),
    rpps: Nullable(Str(EXAMPLE_RPPS)),
    accountTitle: Nullable(Str('Secrétariat du Dr Martin')),
    email: Nullable(Str('julie.bernard@example.org')),
  }),
  structure: StructureSummary,
  labCenter: Nullable(Type.Object({ id: UuidOf(EXAMPLE_ID.labCenter), name: Str('Biomnis Albi Lices') })),
})

const Query = Type.Object({ limit: Limit(), cursor: Type.Optional(Cursor) })
const Decision = Type.Object(
  {
    decision: Type.Enum(['confirm', 'reject'] as const),
    reason: Type.Optional(
      Lines(500, 'Cette personne ne travaille pas au cabinet', {
        description: 'Required to reject: mailed to the person',
      }),
    ),
  },
  { additionalProperties: false },
)
const Decided = Type.Object(
  { id: PlaceId, status: Type.Enum(['confirmed', 'rejected'] as const) },
  { description: 'The place is decided: confirmed, or rejected and removed; the person is mailed.' },
)
const Queue = Type.Object(
  { items: Type.Array(PendingPlace), nextCursor: NextCursor },
  { description: 'A page of the places waiting, oldest first, with who asks and where.' },
)

/**
 * Confirming memberships: the places people ask at a structure, decided by its professionals and their
 * delegates, or by the support desk for structures with no professional.
 */
export const membershipRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  const queue =
    (scope: 'approver' | 'support') =>
    async (request: FastifyRequest<{ Querystring: Type.Static<typeof Query> }>) => {
      const { limit, cursor } = request.query
      const rows = await listPendingPlaces(deps.db, actor(request), scope, limit, cursor)
      const page = pageOf(rows, limit, (row) => [row.created_at.toISOString(), row.id])
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((row) => ({
          id: row.id,
          requestedAt: row.created_at.toISOString(),
          person: {
            id: row.account_id,
            civility: row.civility,
            firstName: row.first_name,
            lastName: row.last_name,
            profile: row.profile,
            rpps: row.rpps,
            accountTitle: row.account_title,
            email: row.address,
          },
          structure: structureSummaryOf(row),
          labCenter: row.center_id ? { id: row.center_id, name: row.center_name ?? '' } : null,
        })),
      }
    }
  const decide = async (
    request: FastifyRequest<{ Params: { id: string }; Body: Type.Static<typeof Decision> }>,
  ) => decidePlace(deps, actor(request), actorOf(request), request.params.id, request.body)

  app.get(
    '/v1/place-confirmations',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listPlaceConfirmations',
        summary: 'The practice places people ask at my structures, waiting for my confirmation',
        description:
          'For a responsible professional and their delegates: oldest first; anyone else gets an empty list. ' +
          'A place counts for nothing until confirmed.',
        security,
        querystring: Query,
        response: { 200: Queue },
      },
    },
    queue('approver'),
  )

  app.post(
    '/v1/place-confirmations/:id/decision',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['access'],
        operationId: 'decidePlaceConfirmation',
        summary: 'Confirms a practice place asked at my structure, or rejects it with a reason',
        description:
          'By a responsible professional of the structure, else 403; their delegates may confirm or reject ' +
          'collaborators and staff, not another professional. Needs a recent re-authentication (confirming ' +
          'someone gives them powers at the structure). The person is mailed the outcome. Confirmed, the place ' +
          'counts and the labs are told. Decided once (409 `already_decided`); the places of an account not ' +
          'yet active are decided with its validation (409).',
        security,
        params: Type.Object({ id: PlaceId }),
        body: Decision,
        response: { 200: Decided },
      },
    },
    decide,
  )

  app.get(
    '/v1/admin/place-confirmations',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'listPlaceConfirmationsForSupport',
        summary: 'Practice places waiting at structures that have no professional to confirm them',
        description:
          'For the support desk (role `support`): the places nobody else can confirm, oldest first.',
        security,
        querystring: Query,
        response: { 200: Queue },
      },
    },
    queue('support'),
  )

  app.post(
    '/v1/admin/place-confirmations/:id/decision',
    {
      onRequest: [guard.role('support'), guard.steppedUp],
      schema: {
        tags: ['support'],
        operationId: 'decidePlaceConfirmationForSupport',
        summary: 'Confirms or rejects a practice place at a structure that has no professional',
        description:
          'For the support desk (role `support`), after a recent re-authentication, only at a structure with no ' +
          'responsible professional (else 403), as one would: a reason is required to reject, the person is ' +
          'mailed, a place is decided once (409).',
        security,
        params: Type.Object({ id: PlaceId }),
        body: Decision,
        response: { 200: Decided },
      },
    },
    decide,
  )
}
