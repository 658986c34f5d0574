import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { Lines } from '../shared/text.ts'
import { decideAccountRequest } from './account-request-fulfilment.ts'
import {
  AccountRequestStatus,
  AccountRequestView,
  Civility,
  NewAccountRequest,
} from './account-request-schemas.ts'
import { AccountRequestReview, reviewAccountRequest } from './account-request-target.ts'
import { listAccountRequests, listOwnAccountRequests, submitAccountRequest } from './account-requests.ts'

const security = [{ bearerAuth: [] }]
const tags = ['access']

/**
 * Account requests (Omnimed): an account manager of an institution asks for a new user's account;
 * support fulfils it within 3 business days, or rejects it.
 */
export const accountRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.post(
    '/v1/account-requests',
    {
      onRequest: guard.person,
      schema: {
        tags,
        operationId: 'requestAccount',
        summary:
          'An account manager of every workplace named asks for a user’s account (or an update of their previous one); due in 3 business days',
        description:
          'For a signed-in account manager of every workplace named (else 403). The answer does not tell ' +
          'whether the address (or the RPPS) belongs to an account: the support desk sees the account it ' +
          'names, and any conflict, before fulfilling. An RPPS must be valid and, once the RPPS directory is ' +
          'imported, in it. The support desk is told.',
        security,
        body: NewAccountRequest,
        response: {
          201: Type.Object(
            {
              id: UuidOf(EXAMPLE_ID.request),
              status: Type.Literal('pending'),
              dueAt: Type.String({ format: 'date-time', examples: ['2026-11-27T09:30:00.000Z'] }),
            },
            { description: 'The request waits for the support desk, due in 3 business days.' },
          ),
        },
      },
    },
    async (request, reply) => {
      const person = personOf(request)
      const created = await submitAccountRequest(
        deps,
        { accountId: person.sub, roles: person.roles },
        actorOf(request),
        request.body,
      )
      return reply.status(201).send(created)
    },
  )

  app.get(
    '/v1/account-requests',
    {
      onRequest: guard.person,
      schema: {
        tags,
        operationId: 'listMyAccountRequests',
        summary: 'The account requests I made, newest first, with their status and whether they are overdue',
        description: 'For any signed-in person: the account requests they made themselves.',
        security,
        querystring: Type.Object(
          { cursor: Type.Optional(Cursor), limit: Limit() },
          { additionalProperties: false },
        ),
        response: {
          200: Type.With(Page(AccountRequestView), {
            description: 'A page of the person’s requests, newest first.',
          }),
        },
      },
    },
    async (request) =>
      listOwnAccountRequests(deps.db, deps.clock.now(), personOf(request).sub, {
        cursor: request.query.cursor,
        limit: request.query.limit,
      }),
  )

  app.get(
    '/v1/admin/account-requests',
    {
      onRequest: guard.role('support'),
      schema: {
        tags,
        operationId: 'listAccountRequests',
        summary: 'Support: account requests, the soonest due first; filter by status and by overdue',
        description: 'For the support desk (role `support`): every manager’s requests.',
        security,
        querystring: Type.Object(
          {
            status: Type.Optional(AccountRequestStatus),
            overdue: Type.Optional(
              Type.Boolean({
                description: 'true: pending past their due date; false: all the others',
                examples: [true],
              }),
            ),
            cursor: Type.Optional(Cursor),
            limit: Limit(),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.With(Page(AccountRequestView), {
            description: 'A page of the requests, the soonest due first.',
          }),
        },
      },
    },
    async (request) => listAccountRequests(deps.db, deps.clock.now(), request.query),
  )

  app.get(
    '/v1/admin/account-requests/:id',
    {
      onRequest: guard.role('support'),
      schema: {
        tags,
        operationId: 'reviewAccountRequest',
        summary:
          'Support: a request beside the account its address names as it is now (profile, roles, practice places) and what would stop its fulfilment',
        description:
          'For the support desk (role `support`), before deciding; an unknown request is a 404. The conflicts ' +
          'listed are those fulfilment would answer with a 409.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.request) }),
        response: {
          200: Type.With(AccountRequestReview, {
            description: 'The request, the account its address names (if any), and the conflicts that stand.',
          }),
        },
      },
    },
    async (request) => reviewAccountRequest(deps.db, deps.clock.now(), request.params.id),
  )

  app.post(
    '/v1/admin/account-requests/:id/fulfilment',
    {
      onRequest: guard.role('support'),
      schema: {
        tags,
        operationId: 'decideAccountRequest',
        summary:
          'Support: fulfils a pending request (creates the account active, or updates the previous one, and mails the user, then the requester) or rejects it with a reason',
        description:
          'For the support desk (role `support`). Fulfilment answers 409 with the conflict’s code while one ' +
          'stands (see the review): the address taken, no previous account, one outside the requester’s ' +
          'structures or holding a role, a professional’s account asked as administrative, another RPPS. A ' +
          'request is decided once (409 `already_decided`); a rejection needs a reason, mailed to the requester.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.request) }),
        body: Type.Object(
          {
            decision: Type.Enum(['fulfil', 'reject'] as const),
            civility: Type.Optional(
              Type.With(Civility, {
                description:
                  'To fulfil a request that does not say the user’s civility (422 `civility_required` without it); the request’s own stands otherwise',
              }),
            ),
            reason: Type.Optional(
              Lines(1000, 'L’adresse indiquée est partagée par tout le secrétariat', {
                description: 'Required to reject: mailed to the requester',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.With(AccountRequestView, { description: 'The request, fulfilled or rejected.' }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      return decideAccountRequest(
        deps,
        { ...actor, id: personOf(request).sub },
        request.params.id,
        request.body,
      )
    },
  )
}
