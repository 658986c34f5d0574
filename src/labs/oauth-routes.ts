import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { EXAMPLE_ACCESS_TOKEN, EXAMPLE_ID, EXAMPLE_LAB_CLIENT_SECRET, Str } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { authenticateLabClient } from './clients.ts'

const OAuthError = Type.Object({
  error: Type.Enum(['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'] as const),
  error_description: Str('Unknown client or wrong secret.'),
})

/**
 * OAuth 2.0 token endpoint for lab systems: the client credentials grant (RFC 6749 §4.4), client
 * authentication by HTTP Basic or in the form (§2.3.1). Errors are the RFC's own JSON, not problems.
 */
export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    },
  )

  const fail = (reply: FastifyReply, status: number, error: string, description: string) => {
    if (status === 401) reply.header('www-authenticate', 'Basic realm="sesame"')
    return reply
      .status(status)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
      .send({ error, error_description: description })
  }

  app.post(
    '/v1/oauth/token',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['lab-api'],
        operationId: 'issueLabToken',
        summary: 'OAuth 2.0 client credentials: a 15-minute token for one lab',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          grant_type: Line(100, 'client_credentials'),
          client_id: Type.Optional(Line(100, EXAMPLE_ID.labClient)),
          client_secret: Type.Optional(Line(200, EXAMPLE_LAB_CLIENT_SECRET)),
          scope: Type.Optional(Line(200, 'lab', { minLength: 0 })),
        }),
        response: {
          200: Type.Object({
            access_token: Str(EXAMPLE_ACCESS_TOKEN),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer({ examples: [900] }),
          }),
          400: OAuthError,
          401: OAuthError,
        },
      },
      // The RFC's error format, including for a form that fails validation.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) return fail(reply, 400, 'invalid_request', 'grant_type is required.')
      const { body } = request
      if (body.grant_type !== 'client_credentials') {
        return fail(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported.')
      }
      const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')
      let clientId = body.client_id
      let secret = body.client_secret
      if (basic?.[1]) {
        if (clientId || secret)
          return fail(reply, 400, 'invalid_request', 'Use one client authentication method.')
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        clientId = decodeURIComponent(decoded.slice(0, colon))
        secret = decodeURIComponent(decoded.slice(colon + 1))
      }
      if (!clientId || !secret)
        return fail(reply, 401, 'invalid_client', 'Client authentication is required.')
      const labId = await authenticateLabClient(app.db, clientId, secret)
      if (!labId) return fail(reply, 401, 'invalid_client', 'Unknown client or wrong secret.')
      const { token, expiresIn } = await app.tokens.issue({ typ: 'lab', sub: clientId, lab: labId })
      return reply
        .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
        .send({ access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn })
    },
  )
}
