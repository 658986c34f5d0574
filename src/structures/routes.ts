import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { notFound } from '../shared/errors.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { Line } from '../shared/text.ts'
import { listStructures, structureById, structureView } from './repository.ts'
import { NewStructure, StructureChanges } from './schemas.ts'
import { createStructure, updateStructure } from './service.ts'

const Id = Type.Object({ id: UuidOf(EXAMPLE_ID.structure) })
const support = [{ bearerAuth: [] }]

export const structureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const StructureRef = Type.Ref('Structure')

  app.get(
    '/v1/structures/:id',
    {
      schema: {
        tags: ['structures'],
        operationId: 'getStructure',
        summary: 'A structure: names, identifiers, address',
        description: 'Public: what a registration form shows of a practice; an unknown structure is a 404.',
        params: Id,
        response: {
          200: Type.Ref('Structure', { description: 'The structure: its names, identifiers and address.' }),
        },
      },
    },
    async (request) => {
      const row = await structureById(deps.db, request.params.id)
      if (!row) throw notFound('not_found', 'No such structure.')
      return structureView(row)
    },
  )

  app.get(
    '/v1/admin/structures',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['structures'],
        operationId: 'listStructures',
        summary: 'Support: search structures by words of the name, city or postal code, FINESS or SIRET',
        description:
          'For the support desk (role `support`). Every word of `q` begins a word of the name, the city or ' +
          'the postal code, in any order, accents aside; or `q` is a FINESS or SIRET.',
        security: support,
        querystring: Type.Object({
          q: Type.Optional(Line(100, 'lices', { minLength: 0 })),
          cursor: Type.Optional(Cursor),
          limit: Limit(),
        }),
        response: {
          200: Type.With(Page(StructureRef), { description: 'A page of the structures found.' }),
        },
      },
    },
    async (request) => {
      const page = await listStructures(deps.db, request.query)
      return { items: page.items.map(structureView), nextCursor: page.nextCursor }
    },
  )

  app.post(
    '/v1/admin/structures',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['structures'],
        operationId: 'createStructure',
        summary: 'Support: create a structure',
        description:
          'For the support desk (role `support`); audited. FINESS and SIRET must be real numbers (422 ' +
          '`invalid_identifier`), and belong to no other structure (409 `structure_exists`).',
        security: support,
        body: NewStructure,
        response: {
          201: Type.Ref('Structure', { description: 'The structure is created; `location` names it.' }),
        },
      },
    },
    async (request, reply) => {
      const row = await createStructure(deps, actorOf(request), request.body)
      return reply.status(201).header('location', `/v1/structures/${row.id}`).send(structureView(row))
    },
  )

  app.patch(
    '/v1/admin/structures/:id',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['structures'],
        operationId: 'updateStructure',
        summary: 'Support: correct a structure',
        description:
          'For the support desk (role `support`); audited. An unknown structure is a 404; identifiers are ' +
          'checked as at creation.',
        security: support,
        params: Id,
        body: StructureChanges,
        response: { 200: Type.Ref('Structure', { description: 'The structure as it now is.' }) },
      },
    },
    async (request) =>
      structureView(await updateStructure(deps, actorOf(request), request.params.id, request.body)),
  )
}
