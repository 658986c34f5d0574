import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { createDelegation, revokeDelegation } from './delegations.ts'
import { mandatesOf, replaceMandates } from './mandates.ts'

const Uuid = UuidOf(EXAMPLE_ID.account)
const StructureId = UuidOf(EXAMPLE_ID.structure)
const DelegationId = UuidOf(EXAMPLE_ID.delegation)
const security = [{ bearerAuth: [] }]
const Mandates = Type.Object(
  {
    mandates: Type.Array(
      Type.Object(
        { structureId: StructureId, mandate: Type.Literal('account_manager') },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
)

/** Support: delegations set on a professional's behalf (the Biomnis "paramétrage" path), and mandates. */
export const accessAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const support = (request: Parameters<typeof personOf>[0]) => ({
    accountId: personOf(request).sub,
    roles: personOf(request).roles,
  })

  app.post(
    '/v1/admin/delegations',
    {
      onRequest: [guard.role('support'), guard.steppedUp],
      schema: {
        tags: ['support'],
        operationId: 'createDelegationForProfessional',
        summary: 'Support: sets a delegation of approval for a professional',
        description:
          'For the support desk (role `support`) with a recent re-authentication (`POST /v1/auth/step-up`), ' +
          'on behalf of a professional of the structure. The delegate must be another active user (422 ' +
          '`invalid_delegate`); the same delegation twice is a 409.',
        security,
        body: Type.Object(
          {
            professionalId: UuidOf(EXAMPLE_ID.approver),
            structureId: StructureId,
            delegateId: UuidOf(EXAMPLE_ID.collaborator),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object(
            { id: DelegationId },
            { description: 'The delegation is in force: the delegate may now decide for the professional.' },
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send({ id: (await createDelegation(deps, support(request), actorOf(request), request.body)).id }),
  )

  app.delete(
    '/v1/admin/delegations/:id',
    {
      onRequest: [guard.role('support'), guard.steppedUp],
      schema: {
        tags: ['support'],
        operationId: 'deleteDelegation',
        summary: 'Support: withdraws a delegation',
        description:
          'For the support desk (role `support`) with a recent re-authentication (`POST /v1/auth/step-up`); ' +
          'an unknown or withdrawn delegation is a 404.',
        security,
        params: Type.Object({ id: DelegationId }),
        response: {
          204: Type.Null({ description: 'The delegation is withdrawn: the delegate can no longer decide.' }),
        },
      },
    },
    async (request, reply) => {
      await revokeDelegation(deps, support(request), actorOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/v1/admin/accounts/:id/mandates',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'getMandates',
        summary: 'Support: an account’s mandates',
        description:
          'For the support desk (role `support`): the structures for which the account may request ' +
          'accounts (account manager).',
        security,
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.With(Mandates, { description: 'The account’s mandates, by structure.' }) },
      },
    },
    async (request) => ({
      mandates: (await mandatesOf(deps.db, request.params.id)).map((m) => ({
        structureId: m.structure_id,
        mandate: m.mandate,
      })),
    }),
  )

  app.put(
    '/v1/admin/accounts/:id/mandates',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['support'],
        operationId: 'putMandates',
        summary: 'Support: replaces an account’s mandates',
        description:
          'For the support desk (role `support`): the account’s mandates become exactly this set. An unknown ' +
          'account is a 404, an unknown structure a 422.',
        security,
        params: Type.Object({ id: Uuid }),
        body: Mandates,
        response: { 200: Type.With(Mandates, { description: 'The account’s mandates as they now are.' }) },
      },
    },
    async (request) => {
      const rows = await replaceMandates(deps, actorOf(request), request.params.id, request.body.mandates)
      return { mandates: rows.map((m) => ({ structureId: m.structure_id, mandate: m.mandate })) }
    },
  )
}
