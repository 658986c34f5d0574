import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Email } from '../accounts/schemas.ts'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { requireRecentAuthentication } from '../auth/step-up.ts'
import { DateTime, EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { stepUpRequiredResponse } from '../shared/problem.ts'
import {
  acceptInvitation,
  changeRole,
  inviteMember,
  listMembers,
  myInvitations,
  removeMember,
} from './members.ts'
import { Invitation, Member, MyMailbox } from './response-schemas.ts'
import { actor } from './routes.ts'
import { EXAMPLE_INVITATION_ID, MailboxId, Role } from './schemas.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const Id = Type.Object({ id: MailboxId })
const MemberParams = Type.Object({ id: MailboxId, accountId: UuidOf(EXAMPLE_ID.collaborator) })
const Members = (description: string) => Type.Object({ items: Type.Array(Member) }, { description })

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
          'For the mailbox’s managers only (a member gets 403 `manager_required`, anyone else 403 ' +
          '`not_a_member`), with an authentication less than 10 minutes old (else 401 `step_up_required`); ' +
          '50 invitations an hour per manager. Into a validated or active ORG mailbox only (409 ' +
          '`personal_mailbox`, `mailbox_not_open`). The same answer whether or not the address has an ' +
          'account: the invitee is mailed a link to accept once signed in (or to register first). ' +
          'Invitations hold 14 days.',
        security,
        params: Id,
        body: Type.Object({ email: Email, role: Role }, strict),
        response: {
          202: Type.Object(
            { id: UuidOf(EXAMPLE_INVITATION_ID), expiresAt: DateTime },
            { description: 'The invitation is mailed; it may be accepted until `expiresAt`.' },
          ),
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
        description:
          'For any signed-in person: the invitations sent to any address of their account, neither accepted ' +
          'nor expired, into a mailbox still open; the newest first, at most 100.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(Invitation) },
            {
              description: 'The invitations waiting, each with its mailbox, the role offered and its expiry.',
            },
          ),
        },
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
        description:
          'For the signed-in person the invitation was sent to, at an address of their account: anyone ' +
          'else’s invitation, or one expired or accepted, is a 404. A mailbox no longer open is a 409 ' +
          '`mailbox_closed`, a mailbox the person already belongs to a 409 `already_member`.',
        security,
        params: Type.Object({ id: UuidOf(EXAMPLE_INVITATION_ID) }),
        response: {
          200: Type.With(MyMailbox, {
            description: 'The mailbox joined, with the role the invitation gave.',
          }),
        },
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
        description:
          'For the mailbox’s members and managers, and the support desk; anyone else gets 403 `not_a_member`, ' +
          'an unknown mailbox is a 404.',
        security,
        params: Id,
        response: { 200: Members('Everyone in the mailbox: names, role and since when.') },
      },
    },
    async (request) => ({ items: await listMembers(deps, actor(request), request.params.id) }),
  )

  app.patch(
    '/v1/mailboxes/:id/members/:accountId',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['mailboxes'],
        operationId: 'changeMailboxRole',
        summary:
          'Managers (or support, stepped-up): a member’s role; the last manager cannot be demoted (409)',
        description:
          'For the mailbox’s managers and the support desk (a member gets 403 `manager_required`, anyone else ' +
          '403 `not_a_member`), with an authentication less than 10 minutes old (else 401 ' +
          '`step_up_required`). Someone who is not a member is a 404; demoting the last manager is a 409 ' +
          '`last_manager`. Audited.',
        security,
        params: MemberParams,
        body: Type.Object({ role: Role }, strict),
        response: { 200: Members('Everyone in the mailbox, with the role changed.') },
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
        summary:
          'Managers (or support, stepped-up) remove a member; a member leaves; never the last manager (409)',
        description:
          'For the mailbox’s managers and the support desk, on anyone in it (a member gets 403 ' +
          '`manager_required`, anyone else 403 `not_a_member`), with an authentication less than 10 minutes ' +
          'old (else 401 `step_up_required`); any member on themselves, to leave, without one. Someone ' +
          'who is not a member is a 404; the last manager can be neither removed nor leave (409 ' +
          '`last_manager`). Audited.',
        security,
        params: MemberParams,
        response: {
          204: Type.Null({ description: 'Removed: their mailbox tokens are refused from now on.' }),
          401: stepUpRequiredResponse,
        },
      },
    },
    async (request, reply) => {
      // Removing someone else could empty a mailbox from a stolen token; leaving is one's own business.
      const person = personOf(request)
      if (request.params.accountId !== person.sub) requireRecentAuthentication(person, deps.clock.now())
      await removeMember(deps, actor(request), actorOf(request), request.params.id, request.params.accountId)
      return reply.status(204).send(null)
    },
  )
}
