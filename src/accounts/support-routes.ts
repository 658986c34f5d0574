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
        description:
          'For the support desk (role `support`). `q` finds every word at the beginning of a word of the ' +
          'first or last name, in any order, accents aside; or a part of the login address; or the RPPS.',
        security,
        querystring: Type.Object({
          status: Type.Optional(AccountStatus),
          q: Type.Optional(SearchText('claire martin')),
          cursor: Type.Optional(Cursor),
          limit: Limit(),
        }),
        response: {
          200: Type.With(Page(AccountSummary), {
            description: 'A page of the accounts found, newest first.',
          }),
        },
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
        description: 'For the support desk (role `support`); an unknown account is a 404.',
        security,
        params: Id,
        response: {
          200: Type.With(SupportAccount, {
            description: 'The account, why it is in its status, and its requests for sensitive rights.',
          }),
        },
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
        description:
          'For the support desk (role `support`). Validated, the account is active, the practice places given ' +
          'at registration count, the labs are told, and a person without a password is mailed a provisional ' +
          'access code. Rejected, the person is mailed the reason (required, else 400). An account in any ' +
          'other status is a 409 `invalid_status`.',
        security,
        params: Id,
        body: AccountDecision,
        response: { 200: Type.With(StatusChange, { description: 'The account’s new status.' }) },
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
        description:
          'For the support desk (role `support`), never on the agent’s own account (409 `own_account`). The ' +
          'labs are told; an account that is not active is a 409 `invalid_status`.',
        security,
        params: Id,
        body: Type.Object(
          { reason: Reason('Why the account is suspended', 'Compte partagé signalé par le cabinet') },
          strict,
        ),
        response: {
          200: Type.With(StatusChange, {
            description: 'The account is suspended; its tokens no longer work.',
          }),
        },
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
        description:
          'For the support desk (role `support`). The account is active again and the labs are told; the ' +
          'sessions the suspension ended stay ended. An account that is not suspended is a 409 `invalid_status`.',
        security,
        params: Id,
        querystring: Type.Object({
          reason: Type.Optional(Reason('Why the suspension is lifted', 'Identité confirmée par téléphone')),
        }),
        response: { 200: Type.With(StatusChange, { description: 'The account is active again.' }) },
      },
    },
    async (request) => liftSuspension(deps, actorOf(request), request.params.id, request.query.reason),
  )

  await app.register(supportReviewRoutes)
}
