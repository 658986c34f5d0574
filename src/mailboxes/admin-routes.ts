import type { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { EXTRACT_COLUMNS, exportDirectory } from './directory.ts'
import { editEstablishment } from './edit-mailbox.ts'
import { StatusChange, SupportMailbox } from './response-schemas.ts'
import { EstablishmentChanges, MailboxId, Reason, Status, ValidationDecision } from './schemas.ts'
import { decideMailboxValidation, moveMailboxBySupport } from './support-desk.ts'
import { listMailboxesForSupport, mailboxForSupport } from './support-queries.ts'

const security = [{ bearerAuth: [] }]
const strict = { additionalProperties: false } as const
const Id = Type.Object({ id: MailboxId })
const tags = ['support', 'mailboxes']
const SUPPORT = 'For the support desk (role `support`).'
const statusChange = (description: string) => Type.With(StatusChange, { description })

/** The support desk on mailboxes: the queue, validation and the address, activation, suspension, closing, the extract. */
export const mailboxAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const support = guard.role('support')

  app.get(
    '/v1/admin/mailboxes',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'listMailboxesForSupport',
        summary:
          'Support: mailboxes in a status, oldest first, beside the establishment the FINESS directory knows',
        description: `${SUPPORT} The status is \`pending_validation\` unless given; keyset-paged.`,
        security,
        querystring: Type.Object({
          status: Type.Optional(Status),
          limit: Limit(),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.With(Page(SupportMailbox), {
            description:
              'A page of the mailboxes in that status, the oldest first, each beside the establishment the ' +
              'directory knows under its FINESS or SIRET (null when none).',
          }),
        },
      },
    },
    async (request) =>
      listMailboxesForSupport(deps.db, {
        ...request.query,
        status: request.query.status ?? 'pending_validation',
      }),
  )

  app.get(
    '/v1/admin/mailboxes/export',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'exportMailboxDirectory',
        summary: 'Support: every active, listed mailbox as the national MSSanté extract lays it out',
        description:
          `${SUPPORT} Pipe-separated UTF-8 with a header row, the columns of ` +
          '`Extraction_Correspondance_MSSante`, streamed. Audited.',
        security,
        produces: ['text/plain'],
        response: {
          200: {
            description: 'The extract, one line per active, listed mailbox, as an attachment.',
            content: {
              'text/plain; charset=utf-8': {
                // The handler streams it: a Readable of this text.
                schema: Type.Unsafe<Readable>(
                  Type.String({
                    examples: [
                      `${EXTRACT_COLUMNS.join('|')}\nORG|pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr|||||1|810000018|Officine|||||||||||1|Pharmacie du Centre||||||12 place du Vigan||81000 ALBI|81000|81|France\n`,
                    ],
                  }),
                ),
              },
            },
          },
        },
      },
    },
    async (request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', 'attachment; filename="Extraction_Correspondance_MSSante.txt"')
        .send(await exportDirectory(deps, actorOf(request))),
  )

  app.get(
    '/v1/admin/mailboxes/:id',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'getMailboxForSupport',
        summary: 'Support: a mailbox, beside the establishment the FINESS directory knows',
        description: `${SUPPORT} A mailbox in any status; an unknown one is a 404.`,
        security,
        params: Id,
        response: {
          200: Type.With(SupportMailbox, {
            description:
              'The mailbox, beside the establishment the directory knows under its FINESS or SIRET (null ' +
              'when none).',
          }),
        },
      },
    },
    async (request) => mailboxForSupport(deps.db, request.params.id),
  )

  app.patch(
    '/v1/admin/mailboxes/:id',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'editMailboxEstablishment',
        summary:
          'Support: an ORG mailbox’s establishment (identifier, names, address, region) or responsible',
        description:
          `${SUPPORT} Checked as at creation. A PER or INT mailbox takes its identity from its owner’s ` +
          'account (409 `personal_mailbox`); a closed or rejected one is a 409 `mailbox_closed`; an ' +
          'establishment and service that already have a live mailbox a 409 `mailbox_exists`. Audited.',
        security,
        params: Id,
        body: EstablishmentChanges,
        response: { 200: Type.Ref('Mailbox', { description: 'The mailbox, changed.' }) },
      },
    },
    async (request) => editEstablishment(deps, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/v1/admin/mailboxes/:id/validation',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'decideMailboxValidation',
        summary: 'Support: validate a mailbox (its MSSanté address is derived and reserved) or reject it',
        description:
          `${SUPPORT} Only a mailbox \`pending_validation\` (else 409 \`invalid_status\`); a rejection ` +
          'needs a reason (400 `reason_required`). The address is `<name>.<postal code>.<city>` (ORG) or ' +
          '`<first name>.<last name>` (PER, INT) at the domain of the responsible’s profession ' +
          '(MSSANTE_DOMAINS_BY_PROFESSION) or MSSANTE_DOMAIN; `.2`, `.3`… when taken, ever. `mssanteAddress` ' +
          'overrides it, checked the same way (422 `invalid_mssante_address`, 409 `mssante_address_taken`). ' +
          'The managers are emailed.',
        security,
        params: Id,
        body: ValidationDecision,
        response: {
          200: statusChange(
            'The mailbox `validated` with its MSSanté address reserved, or `rejected` without one.',
          ),
        },
      },
    },
    async (request) => decideMailboxValidation(deps, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/v1/admin/mailboxes/:id/activation',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'activateMailbox',
        summary: 'Support: the box exists on the mail platform; the managers are emailed its address',
        description:
          `${SUPPORT} Only a validated mailbox (else 409 \`invalid_status\`); it is then in the directory ` +
          'if listed, and its members may switch into it.',
        security,
        params: Id,
        response: { 200: statusChange('The mailbox, `active`, with its MSSanté address.') },
      },
    },
    async (request) => moveMailboxBySupport(deps, actorOf(request), request.params.id, 'activate'),
  )

  app.post(
    '/v1/admin/mailboxes/:id/suspension',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'suspendMailbox',
        summary: 'Support: suspend an active mailbox; its tokens stop at once',
        description:
          `${SUPPORT} Only an active mailbox (else 409 \`invalid_status\`); the managers are emailed the ` +
          'reason, and the mailbox leaves the directory until its suspension is lifted.',
        security,
        params: Id,
        body: Type.Object(
          { reason: Reason('Why, mailed to the managers', 'Usage non conforme signalé') },
          strict,
        ),
        response: { 200: statusChange('The mailbox, `suspended`.') },
      },
    },
    async (request) =>
      moveMailboxBySupport(deps, actorOf(request), request.params.id, 'suspend', request.body.reason),
  )

  app.delete(
    '/v1/admin/mailboxes/:id/suspension',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'liftMailboxSuspension',
        summary: 'Support: lift a mailbox’s suspension',
        description:
          `${SUPPORT} Only a suspended mailbox (else 409 \`invalid_status\`); it is active again and the ` +
          'managers are emailed.',
        security,
        params: Id,
        response: { 200: statusChange('The mailbox, `active` again.') },
      },
    },
    async (request) => moveMailboxBySupport(deps, actorOf(request), request.params.id, 'lift'),
  )

  app.post(
    '/v1/admin/mailboxes/:id/closure',
    {
      onRequest: support,
      schema: {
        tags,
        operationId: 'closeMailbox',
        summary: 'Support: close a mailbox for good; its address is never given again',
        description:
          `${SUPPORT} A mailbox pending validation, validated, active or suspended (else 409 ` +
          '`invalid_status`); the managers are emailed, with the reason when given, and its mailbox tokens ' +
          'stop at once.',
        security,
        params: Id,
        body: Type.Object(
          {
            reason: Type.Optional(
              Reason('Why, mailed to the managers', 'Fermeture demandée par le gestionnaire'),
            ),
          },
          strict,
        ),
        response: { 200: statusChange('The mailbox, `closed`.') },
      },
    },
    async (request) =>
      moveMailboxBySupport(deps, actorOf(request), request.params.id, 'close', request.body.reason),
  )
}
