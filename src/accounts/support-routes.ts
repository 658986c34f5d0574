import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { SearchText } from '../shared/word-search.ts'
import { Uuid } from './schemas.ts'
import { decideValidation, liftSuspension, suspendAccount } from './support-desk.ts'
import { accountForSupport, listAccounts } from './support-queries.ts'
import { supportReviewRoutes } from './support-review-routes.ts'
import {
  AccountDecision,
  AccountStatus,
  AccountSummary,
  Reason,
  StatusChange,
  SupportAccount,
} from './support-schemas.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const Id = Type.Object({ id: Uuid })

/** The support desk on accounts: find them, validate or reject, suspend and lift. */
export const supportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/admin/accounts',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'listAccounts',
        summary: 'Support: accounts, newest first, by status or by name, login address or RPPS',
        security,
        querystring: Type.Object({
          status: Type.Optional(AccountStatus),
          q: Type.Optional(SearchText('claire martin')),
          cursor: Type.Optional(Cursor),
          limit: Limit(),
        }),
        response: { 200: Page(AccountSummary) },
      },
    },
    async (request) => listAccounts(deps.db, request.query),
  )

  app.get(
    '/v1/admin/accounts/:id',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'getAccount',
        summary: 'Support: an account as its owner sees it, with its status reason and access requests',
        security,
        params: Id,
        response: { 200: SupportAccount },
      },
    },
    async (request) => accountForSupport(deps.db, request.params.id),
  )

  app.post(
    '/v1/admin/accounts/:id/validation',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'decideAccountValidation',
        summary: 'Support: validate an account pending validation, or reject it with a reason',
        security,
        params: Id,
        body: AccountDecision,
        response: { 200: StatusChange },
      },
    },
    async (request) => decideValidation(deps, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/v1/admin/accounts/:id/suspension',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'suspendAccount',
        summary: 'Support: suspend an active account; its sessions end at once',
        security,
        params: Id,
        body: Type.Object(
          { reason: Reason('Why the account is suspended', 'Compte partagé signalé par le cabinet') },
          strict,
        ),
        response: { 200: StatusChange },
      },
    },
    async (request) => suspendAccount(deps, actorOf(request), request.params.id, request.body.reason),
  )

  app.delete(
    '/v1/admin/accounts/:id/suspension',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'liftAccountSuspension',
        summary: 'Support: lift a suspension; the person signs in again',
        security,
        params: Id,
        querystring: Type.Object({
          reason: Type.Optional(Reason('Why the suspension is lifted', 'Identité confirmée par téléphone')),
        }),
        response: { 200: StatusChange },
      },
    },
    async (request) => liftSuspension(deps, actorOf(request), request.params.id, request.query.reason),
  )

  await app.register(supportReviewRoutes)
}
