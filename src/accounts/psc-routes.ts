import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { contextOf } from '../deps.ts'
import { type PscPurpose, startPscAuthorization } from '../psc/authorizations.ts'
import { problemResponse } from '../shared/problem.ts'
import { linkPscToAccount, unlinkPsc } from './psc-link.ts'
import {
  PscAuthorization,
  PscAuthorizationRequest,
  PscCallback,
  PscLink,
  PscSignInOutcome,
} from './psc-schemas.ts'
import { completePscSignIn } from './psc-sign-in.ts'

const security = [{ bearerAuth: [] }]
const OFF = '`404 psc_disabled` when Pro Santé Connect is not configured.'
const refusals = (own: string) =>
  problemResponse(
    'Refused (problem details), nothing written: `validation_failed`, `psc_state_invalid` (unknown, expired ' +
      'or used state), `psc_access_denied` (cancelled at PSC), `psc_authorization_error`, `psc_code_rejected` ' +
      '(code used or expired), `psc_nonce_mismatch`, `psc_signature_invalid` (ID token not signed by PSC’s ' +
      'keys), `psc_id_token_invalid` (issuer, audience, expiry), `psc_acr_insufficient` (below the required ' +
      `\`acr\`), \`psc_disabled\`; ${own}`,
  )
const PROVIDER_DOWN = problemResponse(
  'Pro Santé Connect down, failing or answering nonsense: `psc_unavailable`, `psc_provider_error`, ' +
    '`psc_claims_invalid` (problem details); nothing was written',
)

const AUTHORIZATION = Type.With(PscAuthorization, {
  description: 'Where to send the browser, and the state that will come back, usable for 10 minutes.',
})

/**
 * Pro Santé Connect: sign-in and sign-up, and the link of a signed-in account. The front-end does the
 * browser's redirects; the service keeps the state, nonce and PKCE verifier and talks to the provider.
 */
export const pscRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const start = (request: FastifyRequest<{ Body: { redirectUri: string } }>, purpose: PscPurpose) =>
    startPscAuthorization(deps, contextOf(request), purpose, request.body.redirectUri)

  app.post(
    '/v1/auth/psc/authorizations',
    {
      schema: {
        tags: ['auth'],
        operationId: 'startPscSignIn',
        summary: 'Pro Santé Connect, first step: the authorization URL to send the browser to',
        description:
          'Public, throttled per IP address. The redirect URI must be one of PSC_REDIRECT_URIS (else 400 ' +
          '`psc_redirect_uri_not_allowed`). State, nonce and PKCE verifier stay on the server for 10 ' +
          `minutes, single use. ${OFF}`,
        body: PscAuthorizationRequest,
        response: {
          201: AUTHORIZATION,
          '5xx': PROVIDER_DOWN,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await start(request, { purpose: 'sign_in' })),
  )

  app.post(
    '/v1/auth/psc/callback',
    {
      schema: {
        tags: ['auth'],
        operationId: 'completePscSignIn',
        summary:
          'Pro Santé Connect, second step: what came back to the redirect URI; signs in, or says to register',
        description:
          'Public, throttled per IP address. The code is exchanged (client secret, PKCE), the ID token ' +
          'verified (signature by the provider’s keys, `iss`, `aud`, `exp`, `nonce`, `acr`), userinfo read. An ' +
          'account linked to this national identifier, or with its RPPS (then linked, and audited), is signed ' +
          'in without an emailed code; an account that may not sign in gets `401 invalid_credentials` as at ' +
          `password sign-in. A failed answer writes nothing. ${OFF}`,
        body: PscCallback,
        response: {
          200: PscSignInOutcome,
          '4xx': refusals(
            '`invalid_credentials` (the account may not sign in), `psc_rpps_required` (no RPPS to register with), ' +
              '`psc_identity_conflict` (the account of this RPPS is linked to another identity), `psc_unlinked` ' +
              '(its owner unlinked PSC: they link it again from the account)',
          ),
          '5xx': PROVIDER_DOWN,
        },
      },
    },
    async (request) => completePscSignIn(deps, contextOf(request), request.body),
  )

  app.post(
    '/v1/me/psc-link/authorizations',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'startPscLink',
        summary: 'Linking Pro Santé Connect, first step: the authorization URL, for this account only',
        description:
          'For any signed-in person: the authorization belongs to their account, and only they can complete ' +
          'it with `POST /v1/me/psc-link`. The redirect URI must be one of PSC_REDIRECT_URIS (else 400 ' +
          `\`psc_redirect_uri_not_allowed\`). ${OFF}`,
        security,
        body: PscAuthorizationRequest,
        response: {
          201: AUTHORIZATION,
          '5xx': PROVIDER_DOWN,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await start(request, { purpose: 'link', accountId: personOf(request).sub })),
  )

  app.post(
    '/v1/me/psc-link',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'linkPsc',
        summary: 'Linking Pro Santé Connect, second step: links the identity that came back to this account',
        description:
          'For the signed-in person who started this authorization (another’s state is a 400 ' +
          '`psc_state_invalid`). Refused when the identity’s RPPS is not the account’s (`422 ' +
          'psc_rpps_mismatch`) or the identity is linked to another account (`409 ' +
          `psc_identity_linked_elsewhere\`); audited. ${OFF}`,
        security,
        body: PscCallback,
        response: {
          200: Type.With(PscLink, {
            description: 'The account is linked to Pro Santé Connect, since `linkedAt`.',
          }),
          '4xx': refusals('`psc_rpps_mismatch`, `psc_identity_linked_elsewhere`'),
          '5xx': PROVIDER_DOWN,
        },
      },
    },
    async (request) => linkPscToAccount(deps, contextOf(request), ownActor(request), request.body),
  )

  app.delete(
    '/v1/me/psc-link',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'unlinkPsc',
        summary: 'Unlinks Pro Santé Connect; only from an account with a password (`409 password_required`)',
        description:
          'For any signed-in person, on their own account, with an authentication less than 10 minutes old ' +
          '(else 401 `step_up_required`). `404 psc_not_linked` when it is not ' +
          'linked. Once unlinked, a PSC sign-in no longer links the account by its RPPS: `409 psc_unlinked`, ' +
          'until the person links it again (`POST /v1/me/psc-link`).',
        security,
        response: {
          204: Type.Null({
            description:
              'Unlinked: a Pro Santé Connect sign-in no longer reaches this account until it is linked again.',
          }),
        },
      },
    },
    async (request, reply) => {
      await unlinkPsc(deps, ownActor(request))
      return reply.status(204).send(null)
    },
  )
}

/** The signed-in person, as the actor of their own change. */
function ownActor(request: Parameters<typeof actorOf>[0]) {
  return { ...actorOf(request), id: personOf(request).sub }
}
