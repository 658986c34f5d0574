import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import {
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_DATE_TIME,
  EXAMPLE_ID,
  EXAMPLE_LAB_CLIENT_SECRET,
  Str,
} from '../shared/examples.ts'
import { authenticateLabClient } from './clients.ts'
import { introspectToken } from './introspection.ts'
import {
  acceptFormsOnly,
  clientCredentials,
  FormValue,
  formProblem,
  OAuthError,
  oauthError,
} from './oauth-form.ts'

const ClientAuthentication = {
  client_id: Type.Optional(FormValue(EXAMPLE_ID.labClient)),
  client_secret: Type.Optional(FormValue(EXAMPLE_LAB_CLIENT_SECRET)),
}
const Seconds = (example: string) => Type.Integer({ examples: [Math.floor(Date.parse(example) / 1000)] })
const Rights = Type.Array(Type.Enum(['results', 'invoices'] as const))
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' }
// The client authenticates by HTTP Basic or in the form (see the scheme's description).
const security = [{ labClientCredentials: [] }]
const FormRefused = Type.With(OAuthError, {
  description: 'The form is refused (RFC 6749 §5.2): not a form, a parameter twice, malformed credentials.',
})
const ClientRefused = Type.With(OAuthError, {
  description:
    'No client authentication, or an unknown or revoked client, or a wrong secret (`invalid_client`).',
})

/**
 * OAuth 2.0 for lab systems: the token endpoint's client credentials grant (RFC 6749 §4.4) and token
 * introspection (RFC 7662), both for a client authenticated by HTTP Basic or in the form (§2.3.1), both
 * reading forms only. Errors are the RFC's own JSON, not problems.
 */
export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptFormsOnly(app)

  /** The client's lab once the form is readable and the client authenticated; else the error is sent. */
  const authenticated = async (
    request: FastifyRequest<{ Body: { client_id?: string; client_secret?: string } }>,
    reply: FastifyReply,
  ): Promise<{ clientId: string; labId: string } | undefined> => {
    const problem = formProblem(request)
    if (problem) return void oauthError(reply, 400, 'invalid_request', problem)
    const credentials = clientCredentials(request, request.body)
    if (!credentials.ok)
      return void oauthError(reply, credentials.status, credentials.error, credentials.description)
    const labId = await authenticateLabClient(app.deps.db, credentials.clientId, credentials.secret)
    if (!labId) return void oauthError(reply, 401, 'invalid_client', 'Unknown client or wrong secret.')
    return { clientId: credentials.clientId, labId }
  }

  app.post(
    '/v1/oauth/token',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['lab-api'],
        operationId: 'issueLabToken',
        summary: 'OAuth 2.0 client credentials: a 15-minute token for one lab',
        description:
          'For a lab system’s machine client, created by the support desk. The token reaches the client’s ' +
          'own lab only, through the `lab-api` operations; errors are the RFC’s JSON, not problems. ' +
          'Throttled (30 a minute).',
        security,
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          grant_type: FormValue('client_credentials'),
          ...ClientAuthentication,
          scope: Type.Optional(
            Type.String({ pattern: '^[\\x20-\\x7e]*$', maxLength: 200, examples: ['lab'] }),
          ),
        }),
        response: {
          200: Type.Object(
            {
              access_token: Str(EXAMPLE_ACCESS_TOKEN),
              token_type: Type.Literal('Bearer'),
              expires_in: Type.Integer({ examples: [900] }),
            },
            { description: 'A bearer token for the client’s lab, and its life in seconds.' },
          ),
          400: FormRefused,
          401: ClientRefused,
        },
      },
      // The RFC's error format, including for a form that fails validation.
      attachValidation: true,
    },
    async (request, reply) => {
      if (!formProblem(request) && request.body.grant_type !== 'client_credentials') {
        return oauthError(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported.')
      }
      const client = await authenticated(request, reply)
      if (!client) return reply
      const { token, expiresIn } = await app.deps.tokens.issue({
        typ: 'lab',
        sub: client.clientId,
        lab: client.labId,
      })
      return reply
        .headers(noStore)
        .send({ access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn })
    },
  )

  app.post(
    '/v1/oauth/introspect',
    {
      schema: {
        tags: ['lab-api'],
        operationId: 'introspectToken',
        summary: 'OAuth 2.0 token introspection (RFC 7662): what an access token stands for now',
        description:
          'For a lab system that authenticates as one of its clients. A person’s token is active while its ' +
          'session is open and the account active; the answer then carries the roles and the sensitive ' +
          'rights per structure the person holds at the time of the call, so that a right withdrawn a ' +
          'moment ago is gone, at the structures tied to the calling lab only (a correspondent code of ' +
          'this lab whose link is confirmed, or the person’s place there working with one of its centres), ' +
          'never at another lab’s. A lab token is active for its own lab only. Anything else: ' +
          '`{ "active": false }`.',
        security,
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          token: FormValue(EXAMPLE_ACCESS_TOKEN, 8192),
          token_type_hint: Type.Optional(FormValue('access_token')),
          ...ClientAuthentication,
        }),
        response: {
          200: Type.Object(
            {
              active: Type.Boolean(),
              token_type: Type.Optional(Type.Literal('Bearer')),
              sub: Type.Optional(
                Str(EXAMPLE_ID.collaborator, { description: 'The account, or the lab client' }),
              ),
              iss: Type.Optional(Str('sesame')),
              aud: Type.Optional(Str('sesame-api')),
              iat: Type.Optional(Seconds('2026-11-24T09:30:00.000Z')),
              exp: Type.Optional(Seconds('2026-11-24T09:40:00.000Z')),
              client_id: Type.Optional(Str(EXAMPLE_ID.labClient, { description: 'A lab token’s client' })),
              auth_time: Type.Optional(Seconds(EXAMPLE_DATE_TIME)),
              amr: Type.Optional(Type.Array(Str('otp'))),
              account_status: Type.Optional(Type.Literal('active')),
              roles: Type.Optional(Type.Array(Str('support'))),
              rights: Type.Optional(
                Type.Record(Type.String({ format: 'uuid' }), Rights, {
                  description:
                    'The sensitive rights held now, by structure id, at the calling lab’s structures',
                  examples: [{ [EXAMPLE_ID.structure]: ['results'] }],
                }),
              ),
            },
            {
              examples: [
                {
                  active: true,
                  token_type: 'Bearer',
                  sub: EXAMPLE_ID.collaborator,
                  iss: 'sesame',
                  aud: 'sesame-api',
                  iat: 1795512600,
                  exp: 1795513200,
                  auth_time: 1795512600,
                  amr: ['pwd', 'otp', 'mfa'],
                  account_status: 'active',
                  roles: [],
                  rights: { [EXAMPLE_ID.structure]: ['results'] },
                },
                { active: false },
              ],
              description: 'What the token stands for now, or `{ "active": false }`.',
            },
          ),
          400: FormRefused,
          401: ClientRefused,
        },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const client = await authenticated(request, reply)
      if (!client) return reply
      const answer = await introspectToken(app.deps, request.body.token, client)
      return reply.headers(noStore).send(answer)
    },
  )
}
