import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { mailboxOf, personOf, sessionEnded } from '../auth/authenticate.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { SearchText } from '../shared/word-search.ts'
import { createMailbox } from './create-mailbox.ts'
import { searchMailboxDirectoryInSession } from './directory.ts'
import { editMailbox, requestClosure } from './edit-mailbox.ts'
import { myMailboxes } from './members.ts'
import { authorizeOnMailbox } from './policy.ts'
import { DirectoryEntry, MyMailbox, SwitchToken } from './response-schemas.ts'
import { Kind, MailboxChanges, MailboxId, NewMailbox, Reason } from './schemas.ts'
import { mailboxSession, switchIntoMailbox } from './switching.ts'
import { mailboxView } from './views.ts'

const security = [{ bearerAuth: [] }]
const Id = Type.Object({ id: MailboxId })
export const actor = (request: FastifyRequest) => {
  const person = personOf(request)
  return { accountId: person.sub, roles: person.roles }
}

/** Mailboxes for the people who create, run and use them; the directory of active ones. */
export const mailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const mailboxAnswer = (description: string) => Type.Ref('Mailbox', { description })

  app.post(
    '/v1/mailboxes',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['mailboxes'],
        operationId: 'createMailbox',
        summary: 'Creates an ORG, PER or INT mailbox (stepped-up); it waits for the support desk',
        description:
          'From a signed-in individual account whose authentication is less than 10 minutes old (else 401 ' +
          '`step_up_required`). The creator is the first manager; the support desk is emailed. 409 when the ' +
          'establishment and service, or the account for a PER/INT box, already have a live one; 422 for a ' +
          'region the operator does not serve or a department that disagrees with the postal code or the ' +
          'region, for a PER box without an RPPS (`rpps_required`) or an INT box with one (`rpps_held`).',
        security,
        body: NewMailbox,
        response: {
          201: mailboxAnswer('The new mailbox, `pending_validation`, without an MSSanté address yet.'),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createMailbox(deps, actorOf(request), personOf(request).sub, request.body)),
  )

  app.get(
    '/v1/me/mailboxes',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'listMyMailboxes',
        summary: 'The mailboxes I belong to, with my role, their status and MSSanté address',
        description:
          'For any signed-in person: the mailboxes they are a member or manager of, whatever their status, ' +
          'the newest first.',
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(MyMailbox) },
            { description: 'The person’s mailboxes, each with their role in it.' },
          ),
        },
      },
    },
    async (request) => ({ items: await myMailboxes(deps, personOf(request).sub) }),
  )

  app.get(
    '/v1/mailboxes/directory',
    {
      // The session is checked in the read's own statement.
      onRequest: guard.personChecked,
      config: { rateLimit: { max: 120, timeWindow: 60_000 } },
      // As the national directories' reads: V8's JSON.stringify is faster than the schema-compiled
      // serializer on pages of text; what keeps other fields out is `directoryEntryView`'s mapping.
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
      schema: {
        tags: ['mailboxes'],
        operationId: 'searchMailboxDirectory',
        summary:
          'Active, listed mailboxes: every word the beginning of a word of their names, description, city or address',
        description:
          'For any signed-in person. Words in any order; case and accents aside. Keyset-paged by name.',
        security,
        querystring: Type.Object({
          q: Type.Optional(SearchText('pharm albi')),
          postalCode: Type.Optional(
            Type.String({
              pattern: '^[0-9]{2,5}$',
              examples: ['81000'],
              description: 'A postal code or its beginning',
            }),
          ),
          kind: Type.Optional(Kind),
          limit: Limit(50, 20),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.With(Page(DirectoryEntry), {
            description: 'A page of the matching mailboxes, by name: what the directory shows of each.',
          }),
        },
      },
    },
    async (request) => {
      const page = await searchMailboxDirectoryInSession(
        deps.db,
        deps.clock,
        personOf(request),
        request.query,
      )
      if (!page) throw sessionEnded()
      return page
    },
  )

  app.get(
    '/v1/mailboxes/:id',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'getMailbox',
        summary: 'A mailbox I belong to (or any, for the support desk)',
        description:
          'For its members and managers, and the support desk; anyone else gets 403 `not_a_member`, an ' +
          'unknown mailbox is a 404.',
        security,
        params: Id,
        response: {
          200: mailboxAnswer('The mailbox as it is now, with its MSSanté address once validated.'),
        },
      },
    },
    async (request) =>
      mailboxView((await authorizeOnMailbox(deps.db, actor(request), request.params.id, 'read')).mailbox),
  )

  app.patch(
    '/v1/mailboxes/:id',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'editMailbox',
        summary: 'Managers: description, service, phones, preferences',
        description:
          'For the mailbox’s managers only (a member gets 403 `manager_required`, anyone else 403 ' +
          '`not_a_member`); a closed or rejected mailbox is a 409 `mailbox_closed`. The establishment and the ' +
          'responsible change only through the support desk.',
        security,
        params: Id,
        body: MailboxChanges,
        response: { 200: mailboxAnswer('The mailbox, changed.') },
      },
    },
    async (request) => editMailbox(deps, actor(request), actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/v1/mailboxes/:id/closure-request',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'requestMailboxClosure',
        summary: 'Managers: ask the support desk to close the mailbox',
        description:
          'For the mailbox’s managers only (a member gets 403 `manager_required`, anyone else 403 ' +
          '`not_a_member`). The support desk is emailed the request and the reason, and closes the mailbox ' +
          'itself; a closed or rejected mailbox is a 409 `mailbox_closed`.',
        security,
        params: Id,
        body: Type.Object(
          { reason: Type.Optional(Reason('Why, for the support desk', 'La pharmacie ferme le 31 décembre')) },
          { additionalProperties: false },
        ),
        response: {
          200: mailboxAnswer(
            'The mailbox, still open, with the time the closure was asked (`closeRequestedAt`).',
          ),
        },
      },
    },
    async (request) =>
      requestClosure(deps, actor(request), actorOf(request), request.params.id, request.body.reason),
  )

  app.post(
    '/v1/mailboxes/:id/session',
    {
      onRequest: guard.person,
      schema: {
        tags: ['mailboxes'],
        operationId: 'switchIntoMailbox',
        summary: 'Members: switch into an active mailbox; a token that says who acts for it',
        description:
          'For the mailbox’s members and managers (anyone else, the support desk too, gets 403 ' +
          '`not_a_member`), into an active mailbox only (else 403 `mailbox_not_active`). An ES256 token for 5 ' +
          'minutes, verifiable with /.well-known/jwks.json: `sub` the mailbox, `mailbox_address`, `act.sub` ' +
          'the person (RFC 8693), `sid` their session. Refused (401) as soon as the membership, the mailbox, ' +
          'the account or the session is no longer active. Switching back is using the person’s own token.',
        security,
        params: Id,
        response: {
          200: Type.With(SwitchToken, {
            description: 'The mailbox token, to send as a bearer token where a mailbox token is expected.',
          }),
        },
      },
    },
    async (request) => switchIntoMailbox(deps, personOf(request), actorOf(request), request.params.id),
  )

  app.get(
    '/v1/mailbox-session',
    {
      onRequest: guard.mailbox,
      schema: {
        tags: ['mailboxes'],
        operationId: 'getMailboxSession',
        summary: 'With a mailbox token: the mailbox, and who acts for it',
        description:
          'Only with a mailbox token (`POST /v1/mailboxes/{id}/session`): a person’s own token gets 403, a ' +
          'token whose membership, mailbox, account or session is no longer active 401 `invalid_token`.',
        security: [{ mailboxToken: [] }],
        response: {
          200: Type.Object(
            {
              mailbox: Type.Ref('Mailbox'),
              actorId: Type.String({
                format: 'uuid',
                examples: ['0b7c1d3e-5f4a-4c2b-9e8d-1a2b3c4d5e6f'],
                description: 'The account of the person acting for the mailbox',
              }),
            },
            { description: 'The mailbox the token stands for, and the person who acts for it.' },
          ),
        },
      },
    },
    async (request) => mailboxSession(deps, mailboxOf(request)),
  )
}
