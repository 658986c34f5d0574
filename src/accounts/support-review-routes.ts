import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { Line } from '../shared/text.ts'
import { saveApplication } from './applications-registry.ts'
import { decideProfileChange } from './profile-change-decisions.ts'
import { Uuid } from './schemas.ts'
import { listAuditEvents, listProfileChanges } from './support-queries.ts'
import {
  Application,
  ApplicationId,
  ApplicationSettings,
  AuditEvent,
  ChangeDecision,
  ChangeStatus,
  ProfileChange,
} from './support-schemas.ts'

const security = [{ bearerAuth: [] }]

/** The support desk beyond account statuses: identity changes, the audit trail, portal applications. */
export const supportReviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/admin/profile-changes',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'listProfileChanges',
        summary: 'Support: identity change requests in one status (pending by default), oldest first',
        description:
          'For the support desk (role `support`): each request beside the account’s current names.',
        security,
        querystring: Type.Object({
          status: Type.Optional(ChangeStatus),
          cursor: Type.Optional(Cursor),
          limit: Limit(),
        }),
        response: {
          200: Type.With(Page(ProfileChange), {
            description: 'A page of the change requests, oldest first.',
          }),
        },
      },
    },
    async (request) =>
      listProfileChanges(deps.db, { ...request.query, status: request.query.status ?? 'pending' }),
  )

  app.post(
    '/v1/admin/profile-changes/:id/decision',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'decideProfileChange',
        summary: 'Support: approve an identity change (the account takes the new values) or reject it',
        description:
          'For the support desk (role `support`). A request is decided once: one already decided is a 409 ' +
          '`invalid_status`; an RPPS another account carries by then is a 409 `rpps_taken`. The person is mailed the outcome.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.change) }),
        body: ChangeDecision,
        response: { 200: Type.With(ProfileChange, { description: 'The request, decided.' }) },
      },
    },
    async (request) => decideProfileChange(deps, actorOf(request), request.params.id, request.body),
  )

  app.get(
    '/v1/admin/audit-events',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'listAuditEvents',
        summary: 'Support: the audit trail, newest first, of one account or by one actor',
        description:
          'For the support desk (role `support`). `accountId` keeps what was done to that account, `actorId` ' +
          'what that actor did; the trail is append-only.',
        security,
        querystring: Type.Object({
          accountId: Type.Optional(Uuid),
          actorId: Type.Optional(Line(100, EXAMPLE_ID.approver)),
          cursor: Type.Optional(Cursor),
          limit: Limit(),
        }),
        response: {
          200: Type.With(Page(AuditEvent), {
            description:
              'A page of audit events, newest first: who did what, when, why, and in which request.',
          }),
        },
      },
    },
    async (request) => listAuditEvents(deps.db, request.query),
  )

  app.put(
    '/v1/admin/applications/:id',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'putApplication',
        summary: 'Support: create or update a portal application (tile)',
        description:
          'For the support desk (role `support`). An inactive application leaves people’s portals; the ' +
          'addresses they linked to it are kept for when it comes back.',
        security,
        params: Type.Object({ id: ApplicationId }),
        body: ApplicationSettings,
        response: { 200: Type.With(Application, { description: 'The application as it now is.' }) },
      },
    },
    async (request) => saveApplication(deps, actorOf(request), request.params.id, request.body),
  )
}
