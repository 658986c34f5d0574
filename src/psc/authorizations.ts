import * as oidc from 'openid-client'
import { randomToken } from '../auth/secrets.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import { identityFromClaims } from './claims.ts'
import { pscProblems } from './problems.ts'
import type { PscRelyingParty, PscRequest, PscResponse } from './relying-party.ts'

/**
 * Authorizations asked of Pro Santé Connect: state, nonce and PKCE verifier stay on the server for 10
 * minutes and are used once. A `link` authorization belongs to the account that asked for it, so that
 * nobody can make someone else's account link their identity.
 */
const AUTHORIZATION_MINUTES = 10
const STATE_PURPOSE = 'psc-state'
/** What an authorization is for: signing in, or linking the account that asked for it. */
export type PscPurpose = { purpose: 'sign_in' } | { purpose: 'link'; accountId: string }

/** Pro Santé Connect, or the 404 problem saying it is off. */
export function pscOf(deps: Deps): PscRelyingParty {
  if (!deps.psc) throw pscProblems.disabled()
  return deps.psc
}

export async function startPscAuthorization(
  deps: Deps,
  context: RequestContext,
  purpose: PscPurpose,
  redirectUri: string,
) {
  const psc = pscOf(deps)
  if (!deps.config.PSC_REDIRECT_URIS.includes(redirectUri)) throw pscProblems.redirectUriNotAllowed()
  await throttle(deps, `psc:ip:${context.client}`, LIMITS.pscPerIp)
  const request: PscRequest = {
    redirectUri,
    state: randomToken(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
  }
  // The provider is asked first: when it is down, nothing is written.
  const authorizationUrl = await psc.authorizationUrl(request)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + AUTHORIZATION_MINUTES * 60_000)
  await deps.db
    .insertInto('psc_authorizations')
    .values({
      state_hash: deps.secrets.hash(STATE_PURPOSE, request.state),
      purpose: purpose.purpose,
      account_id: purpose.purpose === 'link' ? purpose.accountId : null,
      redirect_uri: redirectUri,
      nonce: request.nonce,
      code_verifier: request.codeVerifier,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute()
  // Those nobody came back for are forgotten a day later.
  await deps.db
    .deleteFrom('psc_authorizations')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute()
  return { authorizationUrl, state: request.state, expiresAt: expiresAt.toISOString() }
}

/**
 * The provider's answer to an authorization of this purpose (and account), checked and read: answers
 * who the person is, and `spend`, which uses the state up inside the caller's transaction. Nothing is
 * written here: an answer that fails leaves everything as it was.
 */
export async function receivePscResponse(
  deps: Deps,
  context: RequestContext,
  purpose: PscPurpose,
  response: PscResponse,
) {
  const psc = pscOf(deps)
  if ((response.code === undefined) === (response.error === undefined)) throw pscProblems.responseInvalid()
  await throttle(deps, `psc:ip:${context.client}`, LIMITS.pscPerIp)
  const stateHash = deps.secrets.hash(STATE_PURPOSE, response.state)
  const pending = await deps.db
    .selectFrom('psc_authorizations')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .where('purpose', '=', purpose.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirst()
  if (!pending || (purpose.purpose === 'link' && pending.account_id !== purpose.accountId)) {
    throw pscProblems.stateInvalid()
  }
  const claims = await psc.authenticate(response, {
    redirectUri: pending.redirect_uri,
    state: response.state,
    nonce: pending.nonce,
    codeVerifier: pending.code_verifier,
  })
  const identity = identityFromClaims(claims, {
    acceptAnyRppsCheckDigit: deps.config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  if (!identity) throw pscProblems.claimsInvalid()
  /** Uses the state up; a concurrent answer with the same state loses here. */
  const spend = async (trx: Executor) => {
    const spent = await trx
      .updateTable('psc_authorizations')
      .set({ used_at: deps.clock.now() })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .returning('state_hash')
      .executeTakeFirst()
    if (!spent) throw pscProblems.stateInvalid()
  }
  return { identity, spend }
}
