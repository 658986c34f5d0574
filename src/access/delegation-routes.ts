import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { createDelegation, delegationsOf, revokeDelegation } from './delegations.ts'
import { actor, CollaboratorId, StructureId, security, strict } from './route-helpers.ts'
import { Delegation } from './schemas.ts'

/** `/v1/me/delegations`: who may approve for a professional, per structure. */
export const delegationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const { db } = deps

  app.get(
    '/v1/me/delegations',
    {
      onRequest: guard.person,
      schema: {
        tags: ['access'],
        operationId: 'listMyDelegations',
        summary: 'Who may approve for me, per structure',
        description: 'For any signed-in person: the delegations they gave.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(Delegation) },
            { description: 'The person’s delegations: the structure and the delegate of each.' },
          ),
        },
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
          'For a professional of the structure, with a recent re-authentication (`POST /v1/auth/step-up`), ' +
          'else 401 `step_up_required`; anyone else gets 403. The delegate must be another active user ' +
          '(422 `invalid_delegate`); the same delegation twice is a 409.',
        security,
        body: Type.Object({ structureId: StructureId, delegateId: CollaboratorId }, strict),
        response: {
          201: Type.Object(
            { id: UuidOf(EXAMPLE_ID.delegation) },
            { description: 'The delegation is in force: the delegate may now decide.' },
          ),
        },
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
          'For the professional who gave it or the support desk (another’s is a 404), with a recent re-authentication ' +
          '(`POST /v1/auth/step-up`), else 401 `step_up_required`.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.delegation) }),
        response: {
          204: Type.Null({ description: 'The delegation is withdrawn: the delegate can no longer decide.' }),
        },
      },
    },
    async (request, reply) => {
      await revokeDelegation(deps, actor(request), actorOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
