import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Email } from '../accounts/schemas.ts'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { DateTime, EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import {
  acceptInvitation,
  changeRole,
  inviteMember,
  listMembers,
  myInvitations,
  removeMember,
} from './members.ts'
import { actor } from './routes.ts'
import { EXAMPLE_INVITATION_ID, Invitation, MailboxId, Member, MyMailbox, Role } from './schemas.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const Id = Type.Object({ id: MailboxId })
const MemberParams = Type.Object({ id: MailboxId, accountId: UuidOf(EXAMPLE_ID.collaborator) })
const Members = Type.Object({ items: Type.Array(Member) })

/** Who is in a mailbox: invitations, roles, removals. */
export const mailboxMemberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.post(
    '/v1/mailboxes/:id/invitations',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['mailboxes'],
        operationId: 'inviteIntoMailbox',
        summary: 'Managers (stepped-up): invite an address into an ORG mailbox; always 202',
        description:
          'The same answer whether or not the address has an account: the invitee is mailed a link to accept once signed in (or to register first). Invitations hold 14 days.',
        security,
        params: Id,
        body: Type.Object({ email: Email, role: Role }, strict),
        response: {
          202: Type.Object({ id: UuidOf(EXAMPLE_INVITATION_ID), expiresAt: DateTime }),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await inviteMember(deps, actor(request), actorOf(request), request.params.id, request.body)),
  )

  app.get(
    '/v1/me/mailbox-invitations',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'listMyMailboxInvitations',
        summary: 'Invitations waiting for me, sent to any of my addresses',
        security,
        response: { 200: Type.Object({ items: Type.Array(Invitation) }) },
      },
    },
    async (request) => ({ items: await myInvitations(deps, personOf(request).sub) }),
  )

  app.post(
    '/v1/me/mailbox-invitations/:id/accept',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'acceptMailboxInvitation',
        summary: 'Accepts an invitation sent to one of my addresses: I join the mailbox',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_INVITATION_ID) }),
        response: { 200: MyMailbox },
      },
    },
    async (request) => acceptInvitation(deps, actorOf(request), personOf(request).sub, request.params.id),
  )

  app.get(
    '/v1/mailboxes/:id/members',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'listMailboxMembers',
        summary: 'Members of a mailbox I belong to (or any, for the support desk)',
        security,
        params: Id,
        response: { 200: Members },
      },
    },
    async (request) => ({ items: await listMembers(deps, actor(request), request.params.id) }),
  )

  app.patch(
    '/v1/mailboxes/:id/members/:accountId',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'changeMailboxRole',
        summary: 'Managers (or support): a member’s role; the last manager cannot be demoted (409)',
        security,
        params: MemberParams,
        body: Type.Object({ role: Role }, strict),
        response: { 200: Members },
      },
    },
    async (request) => ({
      items: await changeRole(
        deps,
        actor(request),
        actorOf(request),
        request.params.id,
        request.params.accountId,
        request.body.role,
      ),
    }),
  )

  app.delete(
    '/v1/mailboxes/:id/members/:accountId',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'removeMailboxMember',
        summary: 'Managers (or support) remove a member; a member leaves; never the last manager (409)',
        security,
        params: MemberParams,
        response: {
          204: Type.Null({ description: 'Removed: their mailbox tokens are refused from now on' }),
        },
      },
    },
    async (request, reply) => {
      await removeMember(deps, actor(request), actorOf(request), request.params.id, request.params.accountId)
      return reply.status(204).send(null)
    },
  )
}
