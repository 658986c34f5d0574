import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { labOf } from '../auth/authenticate.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { Line } from '../shared/text.ts'
import { assertBatchShape } from './batch-validation.ts'
import { deactivateCorrespondent, listCorrespondents } from './correspondents.ts'
import { idempotent } from './idempotency.ts'
import {
  Batch,
  CenterItem,
  Code,
  Correspondent,
  CorrespondentItem,
  CorrespondentSyncResult,
  LabId,
  SyncResult,
} from './schemas.ts'
import { syncCenters, syncCorrespondents } from './sync.ts'

const security = [{ labClient: [] }]
const IdempotencyKey = (description: string) =>
  Line(255, 'b2f4c6d8-1a3e-4c5b-9d7f-0e2a4c6b8d1f', { description })
const BatchHeaders = Type.Object({
  'idempotency-key': IdempotencyKey(
    'Names this write: a replay with the same key returns the first response; the same key with ' +
      'another payload is refused (422), and while the first is still running (409).',
  ),
})
const DeletionHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    IdempotencyKey('Optional: a replay with the same key returns the first response.'),
  ),
})
const LabParams = Type.Object({ labId: LabId })

/** The machine API of lab systems: each token reaches its own lab only. */
export const labApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.put(
    '/v1/labs/:labId/centers',
    {
      onRequest: guard.lab,
      attachValidation: true,
      schema: {
        tags: ['lab-api'],
        operationId: 'syncLabCenters',
        summary: 'Bulk upsert of the lab’s centres, by code',
        description:
          'For a lab system’s token, on its own lab only (else 403), with an Idempotency-Key (else 400 ' +
          '`idempotency_key_required`). Up to 1,000 centres; a bad item refuses the whole batch (422 lists them all).',
        security,
        params: LabParams,
        headers: BatchHeaders,
        body: Batch(CenterItem, 1000),
        response: {
          200: Type.With(SyncResult, {
            description: 'The batch is applied: how many centres were created, updated or unchanged.',
          }),
        },
      },
    },
    async (request, reply) => {
      assertBatchShape(request.body, request.validationError)
      await idempotent(deps, request, reply, labOf(request).clientId, { required: true }, async () => ({
        status: 200,
        body: await syncCenters(deps, request.params.labId, request.body.items),
      }))
      return reply
    },
  )

  app.put(
    '/v1/labs/:labId/correspondents',
    {
      onRequest: guard.lab,
      attachValidation: true,
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['lab-api'],
        operationId: 'syncCorrespondents',
        summary:
          'Bulk upsert of correspondent codes; a bad item refuses the whole batch (422 lists them all)',
        description:
          'For a lab system’s token, on its own lab only (else 403), with an Idempotency-Key (else 400 ' +
          '`idempotency_key_required`); up to 20,000 codes. Structures are matched by FINESS, then SIRET, and ' +
          'created when unknown. A code for a structure the lab neither creates in the batch nor already ' +
          'serves is held `pending_link` for the support desk and does not work until approved; so is one ' +
          'for a structure created in the batch whose FINESS or SIRET the national directory lists.',
        security,
        params: LabParams,
        headers: BatchHeaders,
        body: Batch(CorrespondentItem, 20_000),
        response: {
          200: Type.With(CorrespondentSyncResult, {
            description: 'The batch is applied: codes created, updated, unchanged, and held for their link.',
          }),
        },
      },
    },
    async (request, reply) => {
      assertBatchShape(request.body, request.validationError)
      await idempotent(deps, request, reply, labOf(request).clientId, { required: true }, async () => ({
        status: 200,
        body: await syncCorrespondents(deps, request.params.labId, request.body.items),
      }))
      return reply
    },
  )

  app.get(
    '/v1/labs/:labId/correspondents',
    {
      onRequest: guard.lab,
      schema: {
        tags: ['lab-api'],
        operationId: 'listCorrespondents',
        summary: 'The lab’s correspondent codes, oldest change first, cursor-paged',
        description:
          'For a lab system’s token, on its own lab only (else 403): every code of the lab, with its link ' +
          'status; `updatedSince` keeps the codes changed since then.',
        security,
        params: LabParams,
        querystring: Type.Object({
          updatedSince: Type.Optional(
            Type.String({ format: 'date-time', examples: ['2026-11-23T00:00:00.000Z'] }),
          ),
          cursor: Type.Optional(Cursor),
          limit: Limit(1000, 100),
        }),
        response: {
          200: Type.With(Page(Correspondent), {
            description: 'A page of the lab’s codes, the oldest change first.',
          }),
        },
      },
    },
    async (request) => listCorrespondents(deps.db, request.params.labId, request.query),
  )

  app.delete(
    '/v1/labs/:labId/correspondents/:code',
    {
      onRequest: guard.lab,
      schema: {
        tags: ['lab-api'],
        operationId: 'deactivateCorrespondent',
        summary: 'Deactivates a correspondent code (its history is kept)',
        description:
          'For a lab system’s token, on its own lab only (else 403); an unknown code of the lab is a 404. ' +
          'Deactivating a code already inactive changes nothing.',
        security,
        params: Type.Object({ labId: LabId, code: Code }),
        headers: DeletionHeaders,
        response: { 204: Type.Null({ description: 'The code is inactive: it no longer answers look-ups.' }) },
      },
    },
    async (request, reply) => {
      await idempotent(deps, request, reply, labOf(request).clientId, { required: false }, async () => {
        const { labId, code } = request.params
        await deactivateCorrespondent(deps, labId, code)
        return { status: 204, body: null }
      })
      return reply
    },
  )
}
