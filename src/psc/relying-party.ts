import * as oidc from 'openid-client'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import { problemOf, pscProblems } from './problems.ts'

/** How Sésame reaches Pro Santé Connect, from the configuration. */
export interface PscSettings {
  discoveryUrl: string
  clientId: string
  clientSecret: string
  scopes: string
  acrValues: string[]
  timeoutMs: number
}

/** The settings when Pro Santé Connect is configured (the configuration checks all or none is set). */
export function pscSettingsOf(config: Config): PscSettings | undefined {
  const { PSC_DISCOVERY_URL, PSC_CLIENT_ID, PSC_CLIENT_SECRET } = config
  if (!PSC_DISCOVERY_URL || !PSC_CLIENT_ID || !PSC_CLIENT_SECRET) return undefined
  return {
    discoveryUrl: PSC_DISCOVERY_URL,
    clientId: PSC_CLIENT_ID,
    clientSecret: PSC_CLIENT_SECRET,
    scopes: config.PSC_SCOPES,
    acrValues: config.PSC_ACR_VALUES.split(' '),
    timeoutMs: config.PSC_TIMEOUT_MS,
  }
}

/** What Sésame keeps of an authorization it asked for, to check the answer. */
export interface PscRequest {
  redirectUri: string
  state: string
  nonce: string
  codeVerifier: string
}

/** What the provider sent back to the redirect URI, as the front-end passes it on. */
export interface PscResponse {
  state: string
  code?: string | undefined
  iss?: string | undefined
  error?: string | undefined
  errorDescription?: string | undefined
}

export interface PscRelyingParty {
  /** The provider's authorization URL for this request (code flow, PKCE S256, nonce, acr_values). */
  authorizationUrl(request: PscRequest): Promise<string>
  /**
   * Exchanges the code (client secret as HTTP Basic, the PKCE verifier), verifies the ID token (signature
   * by the provider's keys, `iss`, `aud`, `exp`, `nonce`, `acr`), then reads userinfo (JSON or signed
   * JWT) for the same `sub`. Answers the userinfo claims; throws a `psc_*` problem.
   */
  authenticate(response: PscResponse, request: PscRequest): Promise<Record<string, unknown>>
}

/**
 * Pro Santé Connect through openid-client. The provider's metadata is discovered once, at first use
 * (again after a failure); its signing keys are fetched by the library and fetched again when a token
 * names a key it does not know (key rotation).
 */
export function createPscRelyingParty(settings: PscSettings, logger: Logger): PscRelyingParty {
  const discoveryUrl = new URL(settings.discoveryUrl)
  const timeout = settings.timeoutMs / 1000
  let configuration: Promise<oidc.Configuration> | undefined

  const discover = async () => {
    const config = await oidc.discovery(
      discoveryUrl,
      settings.clientId,
      { client_secret: settings.clientSecret },
      oidc.ClientSecretBasic(settings.clientSecret),
      {
        timeout,
        execute: [
          oidc.enableNonRepudiationChecks,
          // Plain HTTP only on the loopback (the configuration refuses it elsewhere).
          ...(discoveryUrl.protocol === 'http:' ? [oidc.allowInsecureRequests] : []),
        ],
      },
    )
    // A document at a non-standard path is not checked by the library: its issuer must be the one it
    // is published under, or tokens from another issuer would be accepted.
    const issuer = config.serverMetadata().issuer.replace(/\/$/, '')
    if (
      discoveryUrl.href.includes('/.well-known/') &&
      !discoveryUrl.href.startsWith(`${issuer}/.well-known/`)
    ) {
      throw Object.assign(new Error('the discovered issuer does not publish this discovery document'), {
        code: 'PSC_ISSUER_MISMATCH',
      })
    }
    return config
  }
  const configured = () => {
    configuration ??= discover().catch((error: unknown) => {
      configuration = undefined
      throw error
    })
    return configuration
  }

  /** Runs a step with the provider; its failure becomes a problem, and a line in the log when it is the provider's. */
  const withProvider = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      const problem = problemOf(error)
      const cause = error as { name?: string; code?: string; message?: string; cause?: { code?: string } }
      logger[problem.status >= 500 ? 'warn' : 'info'](
        { psc: { step, problem: problem.code, error: cause.name, code: cause.code ?? cause.cause?.code } },
        `Pro Santé Connect: ${cause.message ?? 'failed'}`,
      )
      throw problem
    }
  }

  return {
    authorizationUrl: (request) =>
      withProvider('discovery', async () => {
        const url = oidc.buildAuthorizationUrl(await configured(), {
          redirect_uri: request.redirectUri,
          scope: settings.scopes,
          state: request.state,
          nonce: request.nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
          code_challenge_method: 'S256',
          acr_values: settings.acrValues.join(' '),
        })
        return url.href
      }),

    async authenticate(response, request) {
      const config = await withProvider('discovery', configured)
      const tokens = await withProvider('token', () => {
        const current = new URL(request.redirectUri)
        const parameters = {
          code: response.code,
          state: response.state,
          iss: response.iss,
          error: response.error,
          error_description: response.errorDescription,
        }
        for (const [name, value] of Object.entries(parameters))
          if (value !== undefined) current.searchParams.set(name, value)
        return oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: request.codeVerifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
          idTokenExpected: true,
        })
      })
      const idToken = tokens.claims()
      if (!idToken) throw pscProblems.idTokenInvalid()
      if (typeof idToken.acr !== 'string' || !settings.acrValues.includes(idToken.acr)) {
        logger.info(
          { psc: { step: 'token', problem: 'psc_acr_insufficient', acr: String(idToken.acr) } },
          'Pro Santé Connect: an authentication below the required level',
        )
        throw pscProblems.acrInsufficient()
      }
      return withProvider('userinfo', () => oidc.fetchUserInfo(config, tokens.access_token, idToken.sub))
    },
  }
}
