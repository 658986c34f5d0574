import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { contextOf } from '../deps.ts'
import { EXAMPLE_ID, EXAMPLE_PROOF, Str, UuidOf } from '../shared/examples.ts'
import { PROFESSIONS } from '../shared/professions.ts'
import { confirmEmailProof, issueEmailProof } from './email-proofs.ts'
import { register } from './registration.ts'
import { Registration, RegistrationResult } from './registration-schema.ts'
import { Email } from './schemas.ts'

const ProofId = UuidOf(EXAMPLE_ID.proof)

/** What a visitor may do before having an account: prove an address, register, read the terms. */
export const publicAccountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps } = app

  app.post(
    '/v1/email-proofs',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'requestEmailProof',
        summary: 'Mails a 6-digit code to prove an address (always 202)',
        description:
          'Anyone may ask, without an account. The answer is the same whether or not the address is in use: ' +
          'if it already belongs to an account and the purpose is registration or adding an address, the mail ' +
          'says so and carries no code. `mailbox_contact` proves the generic address of an organisational ' +
          'mailbox (`POST /v1/mailboxes`) and always carries a code. A new code for the same address at most ' +
          'once a minute, else 429.',
        body: Type.Object(
          { email: Email, purpose: Type.Enum(['registration', 'add_email', 'mailbox_contact'] as const) },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object(
            {
              id: ProofId,
              expiresAt: Type.String({ format: 'date-time', examples: ['2026-11-24T09:40:00.000Z'] }),
            },
            { description: 'The mail is on its way: the proof to confirm, and when its code expires.' },
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await issueEmailProof(deps, contextOf(request), request.body.email, request.body.purpose)),
  )

  app.post(
    '/v1/email-proofs/:id/confirm',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'confirmEmailProof',
        summary: 'Checks the code (single use, 10 minutes, 5 tries) and gives a proof for 30 minutes',
        description:
          'Anyone holding the proof’s id may try its code, 5 times from one client address. A wrong, ' +
          'expired or used code is a 422 `invalid_code`. The proof then stands once for the address, in a ' +
          'registration or when adding an address, for the purpose it was asked for.',
        params: Type.Object({ id: ProofId }),
        body: Type.Object(
          { code: Type.String({ pattern: '^[0-9]{6}$', examples: ['482913'] }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { proof: Str(EXAMPLE_PROOF), email: Str('claire.martin@example.org') },
            { description: 'The code is right: the proof, valid 30 minutes, and the address it stands for.' },
          ),
        },
      },
    },
    async (request) => confirmEmailProof(deps, contextOf(request), request.params.id, request.body.code),
  )

  app.post(
    '/v1/registrations',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'register',
        summary: 'Registers a health professional, a collaborator or an administrative account',
        description:
          'Anyone may register with an email proof of purpose `registration` and the current terms version. ' +
          'A collaborator asking for results or invoices waits for the approver they name (pending_approval); ' +
          'everyone else waits for the support desk (pending_validation).',
        body: Registration,
        response: {
          201: Type.With(RegistrationResult, {
            description: 'The account is created: its id, and what it now waits for.',
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await register(deps, contextOf(request), request.body)),
  )

  app.get(
    '/v1/terms',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'getTerms',
        summary: 'The current terms of use, which registration must quote',
        description:
          'Public. A registration must send this version as `termsVersion`, and is refused with any other.',
        response: {
          200: Type.Object(
            { version: Str('2026-01'), url: Str('https://sesame.example.org/terms/2026-01') },
            { description: 'The version of the current terms, and where a person reads them.' },
          ),
        },
      },
    },
    async () => ({ version: deps.config.TERMS_VERSION, url: deps.config.TERMS_URL }),
  )

  app.get(
    '/v1/professions',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'listProfessions',
        summary: 'National profession codes and their labels',
        description: 'Public: the profession codes of the RPPS directory, for the registration form.',
        response: {
          200: Type.Object(
            { items: Type.Array(Type.Object({ code: Str('10'), label: Str('Médecin') })) },
            { description: 'Every profession code, with its French label.' },
          ),
        },
      },
    },
    async () => ({ items: Object.entries(PROFESSIONS).map(([code, label]) => ({ code, label })) }),
  )
}
