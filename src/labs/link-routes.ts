import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { DateTime, EXAMPLE_ID, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { decideLink, pendingLinks } from './links.ts'
import { LinkStatus } from './schemas.ts'

const security = [{ bearerAuth: [] }]
const CodeId = UuidOf('5b8e2c4a-1d3f-4e6a-9b7c-2d4e6f8a0b1c', { description: 'The code’s id in the queue' })

const Link = Type.Object({
  id: CodeId,
  lab: Type.Object({ id: Str('cerba'), name: Str('Cerba') }),
  code: Str('C778899'),
  name: Str('Cabinet médical des Lices'),
  active: Type.Boolean({ description: 'As the lab syncs it' }),
  status: LinkStatus,
  structure: Type.Object({
    id: UuidOf(EXAMPLE_ID.structure),
    name: Str('Cabinet médical des Lices'),
    finess: Nullable(Str('810000018')),
    siret: Nullable(Str('73282932000074')),
    postalCode: Nullable(Str('81000')),
    city: Nullable(Str('Albi')),
  }),
  requestedAt: Nullable(DateTime),
  decidedAt: Nullable(DateTime),
  reason: Nullable(Str('Le cabinet confirme travailler avec ce laboratoire')),
})

/** The support desk's queue of correspondent codes whose structure the lab does not serve yet. */
export const linkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/admin/correspondent-links',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['labs'],
        operationId: 'listPendingCorrespondentLinks',
        summary:
          'Support: correspondent codes held `pending_link` (a lab named a structure it does not serve yet), oldest first',
        description:
          'For the support desk (role `support`). Until its link is approved, such a code answers no look-up ' +
          'and brings its lab no events.',
        security,
        querystring: Type.Object(
          { cursor: Type.Optional(Cursor), limit: Limit() },
          { additionalProperties: false },
        ),
        response: {
          200: Type.With(Page(Link), {
            description: 'A page of the codes waiting, the oldest request first.',
          }),
        },
      },
    },
    async (request) => pendingLinks(deps.db, request.query),
  )

  app.post(
    '/v1/admin/correspondent-links/:id/decision',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['labs'],
        operationId: 'decideCorrespondentLink',
        summary:
          'Support: approves the link (the code works from now on) or rejects it, with a reason (required to reject); audited',
        description:
          'For the support desk (role `support`). A code is decided once: one not waiting for its link is a ' +
          '409 `already_decided`, an unknown one a 404; a rejected link stays refused.',
        security,
        params: Type.Object({ id: CodeId }),
        body: Type.Object(
          {
            decision: Type.Enum(['approve', 'reject'] as const),
            reason: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 1000,
                // Printable text only: no control characters.
                pattern: '^[^\\x00-\\x1f\\x7f-\\x9f]*$',
                examples: ['Le cabinet confirme travailler avec ce laboratoire'],
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.With(Link, { description: 'The code, with its link decided.' }) },
      },
    },
    async (request) =>
      decideLink(deps, { ...actorOf(request), id: personOf(request).sub }, request.params.id, request.body),
  )
}
