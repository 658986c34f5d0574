import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { notFound } from '../shared/errors.ts'
import { EXAMPLE_ID, EXAMPLE_RPPS, Str, UuidOf } from '../shared/examples.ts'
import { Cursor, Limit, NextCursor, pageOf } from '../shared/pagination.ts'
import { Line, Lines } from '../shared/text.ts'
import { listApprovals, listCollaborators, revokeRight } from './collaborators.ts'
import { approversOf, createDelegation, delegationsOf, revokeDelegation } from './delegations.ts'
import { decideAccessRequest, requestAccess } from './requests.ts'
import { AccessRequest, Approval, accessRequestView, Delegation, Right, Rights } from './schemas.ts'

const StructureId = UuidOf(EXAMPLE_ID.structure)
const CollaboratorId = UuidOf(EXAMPLE_ID.collaborator)
const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const actor = (request: FastifyRequest) => {
  const person = personOf(request)
  return { accountId: person.sub, roles: person.roles }
}

/** Access to results and invoices: asking, approving, delegating, withdrawing. */
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
          'The structure’s correspondent code must be given: nobody lists the people of a practice they do not belong to.',
        params: Type.Object({ id: StructureId }),
        querystring: Type.Object({
          correspondentCode: Line(40, 'C012345'),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: UuidOf(EXAMPLE_ID.approver),
                civility: Str('MME'),
                firstName: Str('Claire'),
                lastName: Str('Martin'),
                role: Type.Enum(['professional', 'delegate'] as const),
                forProfessionalId: Type.Union([UuidOf(EXAMPLE_ID.approver), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const code = await db
        .selectFrom('correspondent_codes')
        .select('id')
        .where('structure_id', '=', request.params.id)
        .where('code', '=', request.query.correspondentCode)
        .where('usable', '=', true)
        .executeTakeFirst()
      if (!code) throw notFound('No structure matches this correspondent code.')
      return { items: await approversOf(db, request.params.id) }
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
        response: { 201: AccessRequest },
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
        security,
        response: { 200: Type.Object({ items: Type.Array(AccessRequest) }) },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .where('account_id', '=', personOf(request).sub)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute()
      return { items: rows.map(accessRequestView) }
    },
  )

  app.get(
    '/v1/approvals',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listApprovals',
        summary: 'The requests I may decide: naming me, or a professional who delegated to me',
        security,
        querystring: Type.Object({
          status: Type.Enum(['pending', 'approved', 'rejected'] as const, { default: 'pending' }),
          limit: Limit(),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Approval),
            nextCursor: NextCursor,
          }),
        },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query
      const rows = await listApprovals(db, actor(request), status, limit, cursor)
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
        response: { 200: AccessRequest },
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
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listMyCollaborators',
        summary:
          'For a professional or their delegate: who holds or asks rights in the structures where I approve',
        description:
          'Refused (403) to anyone who approves nowhere: collaborators and staff see no one else’s rights.',
        security,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                account: Type.Object({
                  id: CollaboratorId,
                  civility: Str('MME'),
                  firstName: Str('Julie'),
                  lastName: Str('Bernard'),
                  accountTitle: Type.Union([Str('Secrétariat du Dr Martin'), Type.Null()]),
                  status: Str('active'),
                }),
                structureId: StructureId,
                structureName: Str('Cabinet médical des Lices'),
                rights: Type.Array(Right),
                pendingRequest: Type.Union([
                  Type.Object({ id: UuidOf(EXAMPLE_ID.request), rights: Type.Array(Right) }),
                  Type.Null(),
                ]),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: (await listCollaborators(db, actor(request))) as never }),
  )

  app.delete(
    '/v1/me/collaborators/:accountId/rights/:right',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'revokeCollaboratorRight',
        summary: 'Withdraws a collaborator’s right at one of my structures, at once',
        security,
        params: Type.Object({ accountId: CollaboratorId, right: Right }),
        querystring: Type.Object({ structureId: StructureId }),
        response: { 204: Type.Null() },
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

  app.get(
    '/v1/me/delegations',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listMyDelegations',
        summary: 'Who may approve for me, per structure',
        security,
        response: { 200: Type.Object({ items: Type.Array(Delegation) }) },
      },
    },
    async (request) => ({
      items: (await delegationsOf(db, personOf(request).sub)).map((row) => ({
        id: row.id,
        structureId: row.structure_id,
        structureName: row.structure_name,
        delegate: { id: row.delegate_id, firstName: row.first_name, lastName: row.last_name },
        createdAt: row.created_at.toISOString(),
      })),
    }),
  )

  app.post(
    '/v1/me/delegations',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['access'],
        operationId: 'delegateApproval',
        summary: 'Lets a named active user decide my collaborators’ requests for one of my structures',
        description:
          'Needs a recent re-authentication (`POST /v1/auth/step-up`), else 401 `step_up_required`.',
        security,
        body: Type.Object({ structureId: StructureId, delegateId: CollaboratorId }, strict),
        response: { 201: Type.Object({ id: UuidOf(EXAMPLE_ID.delegation) }) },
      },
    },
    async (request, reply) => {
      const created = await createDelegation(deps, actor(request), actorOf(request), {
        professionalId: personOf(request).sub,
        ...request.body,
      })
      return reply.status(201).send({ id: created.id })
    },
  )

  app.delete(
    '/v1/me/delegations/:id',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['access'],
        operationId: 'withdrawDelegation',
        summary: 'Withdraws a delegation, at once',
        description:
          'Needs a recent re-authentication (`POST /v1/auth/step-up`), else 401 `step_up_required`.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.delegation) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await revokeDelegation(deps, actor(request), actorOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
