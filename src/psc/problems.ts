import * as oidc from 'openid-client'
import { AppError } from '../shared/errors.ts'

/**
 * What goes wrong with Pro Santé Connect, each with its own problem code. A refusal the person or the
 * front-end can do something about is a 4xx; the provider failing or answering nonsense is a 502.
 */
export const pscProblems = {
  disabled: () => new AppError(404, 'psc_disabled', 'Pro Santé Connect is not configured on this service.'),
  redirectUriNotAllowed: () =>
    new AppError(400, 'psc_redirect_uri_not_allowed', 'This redirect URI is not one of PSC_REDIRECT_URIS.', {
      errors: [{ in: 'body', field: 'redirectUri', message: 'is not an allowed redirect URI' }],
    }),
  responseInvalid: () =>
    new AppError(400, 'validation_failed', 'Give either the code or the error that came back, not both.', {
      errors: [{ in: 'body', field: 'code', message: 'is required, unless error is given' }],
    }),
  stateInvalid: () =>
    new AppError(
      400,
      'psc_state_invalid',
      'This state is unknown, expired or already used: start again from POST /v1/auth/psc/authorizations.',
    ),
  accessDenied: () =>
    new AppError(
      403,
      'psc_access_denied',
      'The authentication was declined or cancelled at Pro Santé Connect.',
    ),
  responseIncomplete: () =>
    new AppError(
      400,
      'psc_authorization_error',
      'The answer is incomplete or not from Pro Santé Connect: pass on code, state and iss as they came back.',
    ),
  authorizationError: () =>
    new AppError(
      400,
      'psc_authorization_error',
      'Pro Santé Connect answered the authorization with an error.',
    ),
  codeRejected: () =>
    new AppError(
      400,
      'psc_code_rejected',
      'Pro Santé Connect refused the authorization code: already used, expired, or not issued for this request.',
    ),
  nonceMismatch: () =>
    new AppError(401, 'psc_nonce_mismatch', 'The ID token was not issued for this authorization (nonce).'),
  signatureInvalid: () =>
    new AppError(401, 'psc_signature_invalid', 'The ID token is not signed by a key of Pro Santé Connect.'),
  idTokenInvalid: () =>
    new AppError(401, 'psc_id_token_invalid', 'The ID token is not valid (issuer, audience or expiry).'),
  acrInsufficient: () =>
    new AppError(
      403,
      'psc_acr_insufficient',
      'The authentication level is below the one required (acr): sign in with a CPS card or the e-CPS app.',
    ),
  claimsInvalid: () =>
    new AppError(
      502,
      'psc_claims_invalid',
      'Pro Santé Connect did not say who the person is (SubjectNameID, names).',
    ),
  unavailable: () =>
    new AppError(
      502,
      'psc_unavailable',
      'Pro Santé Connect could not be reached or failed; try again later.',
    ),
  providerError: () =>
    new AppError(502, 'psc_provider_error', 'Pro Santé Connect answered in an unexpected way.'),
}

/** The provider did not answer in time, or answered with a server error or something that is not JSON. */
const UNREACHABLE = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
])

/**
 * The problem for an error of the relying-party library (openid-client), by what it says went wrong.
 * Anything not recognised is the provider's fault (502), never a 500.
 */
export function problemOf(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof oidc.AuthorizationResponseError) {
    return error.error === 'access_denied' ? pscProblems.accessDenied() : pscProblems.authorizationError()
  }
  if (error instanceof oidc.ResponseBodyError) {
    return error.error === 'invalid_grant' ? pscProblems.codeRejected() : pscProblems.providerError()
  }
  // fetch() failing: connection refused or reset, DNS, TLS.
  if (error instanceof TypeError) return pscProblems.unavailable()
  if (!(error instanceof oidc.ClientError)) return pscProblems.providerError()
  const cause = error.cause as { message?: string; cause?: { claim?: string } } | undefined
  switch (error.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      return cause?.cause?.claim === 'nonce' ? pscProblems.nonceMismatch() : pscProblems.idTokenInvalid()
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return pscProblems.idTokenInvalid()
    case 'OAUTH_KEY_SELECTION_FAILED':
      return pscProblems.signatureInvalid()
    case 'OAUTH_INVALID_RESPONSE':
      if (cause?.message === 'JWT signature verification failed') return pscProblems.signatureInvalid()
      // The redirect's own parameters (`iss` missing or another issuer's), before any token.
      if (cause?.message?.includes('response parameter')) return pscProblems.responseIncomplete()
      return pscProblems.idTokenInvalid()
    default:
      return UNREACHABLE.has(error.code ?? '') ? pscProblems.unavailable() : pscProblems.providerError()
  }
}
