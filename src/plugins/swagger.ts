import { readFileSync } from 'node:fs'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'
import { problemResponse, stepUpRequiredResponse } from '../shared/problem.ts'

export const API_TAGS = [
  { name: 'ops', description: 'Health, readiness and metrics, for the platform' },
  {
    name: 'auth',
    description: 'Sign-in with a second factor, tokens, sessions, password reset and activation',
  },
  { name: 'accounts', description: 'Email proofs, registration, terms' },
  {
    name: 'me',
    description: 'The signed-in person: profile, addresses, practice places, applications, sessions',
  },
  {
    name: 'access',
    description: 'Sensitive rights: requests, approvals, delegations, revocation, account requests',
  },
  { name: 'support', description: 'The support desk: validation, suspension, change requests, audit trail' },
  { name: 'identifiers', description: 'RPPS, ADELI, FINESS, SIREN and SIRET validation' },
  { name: 'directory', description: 'The national directories (RPPS, FINESS): search and import' },
  { name: 'structures', description: 'Practices, clinics, pharmacies and hospital services' },
  { name: 'labs', description: 'Labs, their centres and correspondent codes' },
  { name: 'lab-api', description: 'For lab systems (machine clients): sync and feed' },
  {
    name: 'mailboxes',
    description:
      'Secure messaging mailboxes (MSSanté ORG, PER, INT): creation, members, switching, directory',
  },
] as const

// package.json sits two folders up both in a checkout (src/plugins/) and in the image (dist/src/plugins/).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/**
 * The OpenAPI 3.1 document, generated from the route schemas. Every route also answers problems: the
 * 4XX/5XX entries are added here so that no route forgets them. A route that names no security scheme
 * is public (`security: []`); the OpenAPI test checks that each one answers without a token.
 */
export async function installSwagger(app: FastifyInstance, config: Config): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return
    const responses = (route.schema.response ?? {}) as Record<string, unknown>
    // Operations behind the step-up guard say so, with the problem they answer to an older authentication.
    const steppedUp = app.hasDecorator('guard') && [route.onRequest].flat().includes(app.guard.steppedUp)
    route.schema.security ??= []
    route.schema.response = {
      ...(steppedUp && { 401: stepUpRequiredResponse }),
      ...responses,
      '4xx': responses['4xx'] ?? problemResponse('The request was refused: the problem details say why.'),
      '5xx':
        responses['5xx'] ??
        problemResponse('The service failed, or is unavailable for now: the problem details say which.'),
    }
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sésame',
        version,
        // The service is not open source: its package is UNLICENSED.
        license: { name: 'Proprietary, all rights reserved', identifier: 'LicenseRef-Proprietary' },
        description:
          'Onboarding of health professionals, their collaborators and structures onto lab and health-data ' +
          'portals, and their access rights. Errors are RFC 9457 problem details (`application/problem+json`).',
      },
      // Relative to where the document is served, unless the public address is known.
      servers: [{ url: config.PUBLIC_BASE_URL?.replace(/\/+$/, '') || '/' }],
      tags: [...API_TAGS],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A person’s access token',
          },
          mailboxToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A mailbox token, from POST /v1/mailboxes/{id}/session',
          },
          labClient: {
            type: 'oauth2',
            description: 'A lab system’s token (OAuth 2.0 client credentials)',
            flows: { clientCredentials: { tokenUrl: '/v1/oauth/token', scopes: {} } },
          },
          labClientCredentials: {
            type: 'http',
            scheme: 'basic',
            description:
              'A lab client’s id and secret, as HTTP Basic or as `client_id` and `client_secret` in the form ' +
              '(RFC 6749 §2.3.1)',
          },
        },
      },
    },
    refResolver: {
      // Shared schemas keep their own names under components.schemas (`Problem`, not `def-0`).
      buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`),
    },
  })
  // The docs page runs Swagger UI's scripts: its own content security policy, with their hashes.
  if (config.DOCS_ENABLED) await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}
