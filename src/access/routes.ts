import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf, sessionEnded } from '../auth/authenticate.ts'
import { recentAccessRequestsOf } from '../memberships/requests.ts'
import { notFound } from '../shared/errors.ts'
import { EXAMPLE_ID, EXAMPLE_RPPS, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, NextCursor, pageOf } from '../shared/pagination.ts'
import { Line, Lines } from '../shared/text.ts'
import { listApprovalsInSession } from './approvals.ts'
import { listCollaboratorsInSession, revokeRight } from './collaborators.ts'
import { approversByCode } from './delegations.ts'
import { decideAccessRequest, requestAccess } from './requests.ts'
import { actor, CollaboratorId, StructureId, security, strict } from './route-helpers.ts'
import {
  AccessRequest,
  Approval,
  Approver,
  accessRequestView,
  Collaborator,
  Right,
  Rights,
} from './schemas.ts'

/** Access to results and invoices: asking, approving, withdrawing; delegating is in delegation-routes. */
export const accessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const { db } = deps

  app.get(
    '/v1/structures/:id/approvers',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['access'],
        operationId: 'listApprovers',
        summary: 'The professionals and delegates who approve requests for a structure (names only)',
        description:
          'Public, for the registration form, and throttled (30 a minute). The structure’s active correspondent ' +
          'code must be given, else 404: nobody lists the people of a practice they do not belong to.',
        params: Type.Object({ id: StructureId }),
        querystring: Type.Object({
          correspondentCode: Line(40, 'C012345'),
        }),
        response: {
          200: Type.Object(
            { items: Type.Array(Approver) },
            { description: 'Who may be named as approver at this structure: names and role only.' },
          ),
        },
      },
    },
    async (request) => {
      const items = await approversByCode(db, request.params.id, request.query.correspondentCode)
      if (!items) throw notFound('not_found', 'No structure matches this correspondent code.')
      return { items }
    },
  )

  app.post(
    '/v1/access-requests',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'requestAccess',
        summary: 'Asks for results and/or invoices at one of my practice places, naming the approver',
        description:
          'For a signed-in person, at one of their confirmed practice places (else 422 `not_at_structure`). The ' +
          'approver must be a responsible professional of that structure (422 `approver_not_found`) and is ' +
          'mailed; one request per structure waits at a time (409 `request_pending`).',
        security,
        body: Type.Object(
          {
            structureId: StructureId,
            rights: Rights,
            approverId: Type.Optional(UuidOf(EXAMPLE_ID.approver)),
            approverRpps: Type.Optional(Type.String({ pattern: '^[0-9]{11}$', examples: [EXAMPLE_RPPS] })),
            comment: Type.Optional(
              Lines(500, 'Je gère les résultats des patients du Dr Martin', { minLength: 0 }),
            ),
          },
          strict,
        ),
        response: {
          201: Type.With(AccessRequest, {
            description: 'The request, pending, for the rights not already held.',
          }),
        },
      },
    },
    async (request, reply) => {
      const created = await requestAccess(
        deps,
        { ...actorOf(request), type: 'person', id: personOf(request).sub },
        request.body,
      )
      return reply.status(201).send(accessRequestView(created))
    },
  )

  app.get(
    '/v1/me/access-requests',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listMyAccessRequests',
        summary: 'My access requests, newest first',
        description: 'For any signed-in person: their own requests for sensitive rights, the last 100.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(AccessRequest) },
            { description: 'The person’s requests, newest first, with their status and the rights granted.' },
          ),
        },
      },
    },
    async (request) => ({
      items: (await recentAccessRequestsOf(db, personOf(request).sub)).map(accessRequestView),
    }),
  )

  app.get(
    '/v1/approvals',
    {
      // The session is checked in the read's own statement.
      onRequest: guard.personChecked,
      schema: {
        tags: ['access'],
        operationId: 'listApprovals',
        summary: 'The requests I may decide: naming me, or a professional who delegated to me',
        description:
          'For a signed-in person: the requests naming them at a structure where they are still a responsible ' +
          'professional, or naming a professional who delegated to them there; every request for the support ' +
          'desk; never their own. Anyone else gets an empty list.',
        security,
        querystring: Type.Object({
          status: Type.Enum(['pending', 'approved', 'rejected'] as const, { default: 'pending' }),
          limit: Limit(),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.Object(
            { items: Type.Array(Approval), nextCursor: NextCursor },
            { description: 'A page of the requests in that status, newest first, with who asks what where.' },
          ),
        },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query
      const rows = await listApprovalsInSession(db, deps.clock, personOf(request), status, limit, cursor)
      if (!rows) throw sessionEnded()
      const page = pageOf(rows, limit, (row) => [row.created_at.toISOString(), row.id])
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((row) => ({
          id: row.id,
          requester: {
            id: row.account_id,
            civility: row.civility,
            firstName: row.first_name,
            lastName: row.last_name,
            accountTitle: row.account_title,
            profile: row.profile,
            email: row.address,
          },
          structure: { id: row.structure_id, name: row.structure_name },
          rights: row.rights,
          grantedRights: row.granted_rights,
          comment: row.comment,
          status: row.status,
          atRegistration: row.at_registration,
          approverId: row.approver_id,
          createdAt: row.created_at.toISOString(),
        })),
      }
    },
  )

  app.post(
    '/v1/approvals/:requestId/decision',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'decideAccessRequest',
        summary: 'Approve as asked, approve fewer rights, or reject with a reason',
        description:
          'For whoever may decide the request (see `GET /v1/approvals`), else 403. Decided once: a request ' +
          'already decided is a 409 `already_decided`. An active account gets the rights at once and the ' +
          'labs are told; a registration waiting on this approval moves on to the support desk.',
        security,
        params: Type.Object({ requestId: UuidOf(EXAMPLE_ID.request) }),
        body: Type.Object(
          {
            decision: Type.Enum(['approve', 'reject'] as const),
            rights: Type.Optional(Rights),
            reason: Type.Optional(Lines(500, 'Les factures restent au secrétariat principal')),
          },
          strict,
        ),
        response: { 200: Type.With(AccessRequest, { description: 'The request, decided.' }) },
      },
    },
    async (request) =>
      accessRequestView(
        await decideAccessRequest(deps, actor(request), request.params.requestId, request.body, request.id),
      ),
  )

  app.get(
    '/v1/me/collaborators',
    {
      // The session is checked in the read's own statement.
      onRequest: guard.personChecked,
      schema: {
        tags: ['access'],
        operationId: 'listMyCollaborators',
        summary:
          'For a professional or their delegate: who holds or asks rights in the structures where I approve',
        description:
          'Refused (403) to anyone who approves nowhere: collaborators and staff see no one else’s rights.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(Collaborator) },
            { description: 'Each collaborator per structure, with the rights held and the request waiting.' },
          ),
        },
      },
    },
    async (request) => {
      const items = await listCollaboratorsInSession(db, deps.clock, personOf(request))
      if (!items) throw sessionEnded()
      return { items }
    },
  )

  app.delete(
    '/v1/me/collaborators/:accountId/rights/:right',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'revokeCollaboratorRight',
        summary: 'Withdraws a collaborator’s right at one of my structures, at once',
        description:
          'For a responsible professional of the structure, their delegate, or the support desk; never on a ' +
          'professional’s own rights (403). A right not held there is a 404. The collaborator and the labs are told.',
        security,
        params: Type.Object({ accountId: CollaboratorId, right: Right }),
        querystring: Type.Object({ structureId: StructureId }),
        response: { 204: Type.Null({ description: 'The right is withdrawn.' }) },
      },
    },
    async (request, reply) => {
      await revokeRight(
        deps,
        actor(request),
        actorOf(request),
        request.params.accountId,
        request.query.structureId,
        request.params.right,
      )
      return reply.status(204).send(null)
    },
  )
}
