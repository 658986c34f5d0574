import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { publicKeys } from './signing-keys.ts'

const Jwk = Type.Object({
  kty: Type.Literal('EC'),
  crv: Type.Literal('P-256'),
  x: Type.String({ examples: ['MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4'] }),
  y: Type.String({ examples: ['4Etl6SRW2YilurMFRrgA7-8cN6PaVOtJEgTdNtCxZzg'] }),
  kid: Type.String({ examples: ['5b1f3c2a-8d4e-4f6a-9b7c-0d1e2f3a4b5c'] }),
  alg: Type.Literal('ES256'),
  use: Type.Literal('sig'),
})

/** The public keys that verify access tokens, for the portal's other applications. */
export const jwksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['auth'],
        operationId: 'getJwks',
        summary: 'Public keys of access tokens (JWKS, RFC 7517)',
        description:
          'Public, for the portal’s other applications that verify access tokens themselves (ES256); ' +
          'cacheable for 5 minutes.',
        response: {
          200: Type.Object(
            { keys: Type.Array(Jwk) },
            { description: 'The keys that verify access tokens, by `kid`.' },
          ),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return { keys: await publicKeys(app.deps.db) }
    },
  )
}
