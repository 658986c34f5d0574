import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type Adapter, type AdapterPayload, type ClientMetadata, type JWK } from 'oidc-provider'
import { Browser, bodyOf } from './browser.ts'
import { type PscPerson, pscClaims } from './psc-claims.ts'

/**
 * A real OpenID provider, in process on a loopback port, shaped like Pro Santé Connect: its issuer under
 * `/auth/realms/esante-wallet`, its discovery document only at the non-standard
 * `…/.well-known/wallet-openid-configuration`, PKCE required, client secrets sent as HTTP Basic,
 * `acr` `eidas1`, and the claims of PSC's userinfo (`SubjectNameID`, `SubjectRefPro.exercices[]`…).
 * Two clients: one reads userinfo as JSON, the other as a signed JWT (`application/jwt`).
 *
 * The people who may sign in are enrolled by the test; a browser (`signIn`) follows the redirects with
 * its cookies and fills the provider's login page, as a person with an e-CPS would.
 */
const REALM = '/auth/realms/esante-wallet'
const DISCOVERY = '/.well-known/wallet-openid-configuration'
export const PSC_REDIRECT_URI = 'https://portal.example.org/psc/callback'

function signingKey(kid: string): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' }
}

/** The provider's sessions, interactions, codes and tokens, in memory (expiry is the provider's check). */
function memoryStore() {
  const rows = new Map<string, AdapterPayload>()
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`
    const where = (test: (payload: AdapterPayload) => boolean) =>
      [...rows].find(([name, payload]) => name.startsWith(`${model}:`) && test(payload))?.[1]
    return {
      upsert: async (id, payload) => void rows.set(key(id), payload),
      find: async (id) => rows.get(key(id)),
      findByUid: async (uid) => where((payload) => payload.uid === uid),
      findByUserCode: async (userCode) => where((payload) => payload.userCode === userCode),
      consume: async (id) => {
        const payload = rows.get(key(id))
        if (payload) payload.consumed = Math.floor(Date.now() / 1000)
      },
      destroy: async (id) => void rows.delete(key(id)),
      revokeByGrantId: async (grantId) => {
        for (const [name, payload] of rows) if (payload.grantId === grantId) rows.delete(name)
      },
    }
  }
}

export interface CallbackParameters {
  state: string
  code?: string
  iss?: string
  error?: string
  errorDescription?: string
}

export interface TestPsc {
  issuer: string
  discoveryUrl: string
  clients: Record<'json' | 'jwt', { id: string; secret: string }>
  /** The environment that points the service at this provider. */
  env(client?: 'json' | 'jwt'): Record<string, string>
  /** A person who may sign in; answers their technical `sub`. */
  enrol(person: PscPerson): string
  /**
   * A browser at the authorization URL: signs in as this person (or cancels), follows the redirects,
   * and answers the parameters the provider sent back to the redirect URI.
   */
  signIn(
    authorizationUrl: string,
    nationalId: string,
    options?: { acr?: string; cancel?: boolean },
  ): Promise<CallbackParameters>
  /** From now on, tokens are signed by another key under the same `kid` (the JWKS is unchanged). */
  forgeSignatures(on: boolean): void
  /** Stops listening (the provider is down), or listens again on the same port. */
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function startTestPsc(): Promise<TestPsc> {
  const people = new Map<string, { person: PscPerson; sub: string }>()
  const clients = {
    json: { id: 'sesame-json', secret: `secret-${randomUUID()}` },
    jwt: { id: 'sesame-jwt', secret: `secret-${randomUUID()}` },
  }
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  const issuer = `${origin}${REALM}`
  const kid = `psc-${randomUUID().slice(0, 8)}`

  const clientMetadata = (client: { id: string; secret: string }, jwt: boolean): ClientMetadata => ({
    client_id: client.id,
    client_secret: client.secret,
    redirect_uris: [PSC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...(jwt && { userinfo_signed_response_alg: 'RS256' }),
  })
  const adapter = memoryStore()
  const makeProvider = (key: JWK) => {
    const provider = new Provider(issuer, {
      adapter,
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      clients: [clientMetadata(clients.json, false), clientMetadata(clients.jwt, true)],
      jwks: { keys: [key] },
      scopes: ['openid', 'scope_all'],
      claims: {
        openid: ['sub'],
        scope_all: [
          'preferred_username',
          'SubjectNameID',
          'given_name',
          'family_name',
          'codeCivilite',
          'SubjectRefPro',
          'otherIds',
        ],
      },
      acrValues: ['eidas1', 'eidas0'],
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false }, jwtUserinfo: { enabled: true } },
      cookies: { keys: [randomUUID()] },
      interactions: { url: (_ctx, interaction) => `${REALM}/interaction/${interaction.uid}` },
      findAccount: async (_ctx, sub) => {
        const known = [...people.values()].find((entry) => entry.sub === sub)
        if (!known) return undefined
        return { accountId: sub, claims: async () => pscClaims(known.person, sub) }
      },
      // Consent is given once and for all by the professional: PSC asks none.
      loadExistingGrant: async (ctx) => {
        const accountId = ctx.oidc.session?.accountId
        const clientId = ctx.oidc.client?.clientId
        if (!accountId || !clientId) return undefined
        const grant = new ctx.oidc.provider.Grant({ accountId, clientId })
        grant.addOIDCScope('openid scope_all')
        await grant.save()
        return grant
      },
    })
    provider.on('server_error', (_ctx, error) => console.error('test PSC provider error', error))
    return provider
  }
  const genuine = makeProvider(signingKey(kid))
  const forger = makeProvider(signingKey(kid))
  let current = genuine

  const interaction = async (provider: Provider, request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').slice(REALM.length)
    if (request.method === 'GET') {
      await provider.interactionDetails(request, response)
      response.setHeader('content-type', 'text/html')
      response.end(
        '<form method="post" action="login"><input name="nationalId"><button>e-CPS</button></form>',
      )
      return
    }
    const form = new URLSearchParams(await bodyOf(request))
    if (path.endsWith('/abort')) {
      await provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      })
      return
    }
    const entry = people.get(form.get('nationalId') ?? '')
    if (!entry) {
      response.statusCode = 400
      response.end('unknown card')
      return
    }
    await provider.interactionFinished(request, response, {
      login: { accountId: entry.sub, acr: form.get('acr') ?? 'eidas1', amr: ['pin', 'sc'] },
    })
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/'
    const provider = url.startsWith(`${REALM}/jwks`) ? genuine : current
    if (!url.startsWith(`${REALM}/`) || url.startsWith(`${REALM}/.well-known/openid-configuration`)) {
      response.statusCode = 404
      response.end()
      return
    }
    if (url.startsWith(`${REALM}/interaction/`)) {
      interaction(provider, request, response).catch((error: unknown) => {
        response.statusCode = 500
        response.end(String(error))
      })
      return
    }
    // Mounted under the realm's path, as Express would: the provider reads its mount path from here.
    const inner = url.startsWith(`${REALM}${DISCOVERY}`)
      ? '/.well-known/openid-configuration'
      : url.slice(REALM.length)
    Object.assign(request, { originalUrl: `${REALM}${inner}`, url: inner })
    provider.callback()(request, response)
  })

  return {
    issuer,
    discoveryUrl: `${issuer}${DISCOVERY}`,
    clients,
    env: (client = 'json') => ({
      PSC_DISCOVERY_URL: `${issuer}${DISCOVERY}`,
      PSC_CLIENT_ID: clients[client].id,
      PSC_CLIENT_SECRET: clients[client].secret,
      PSC_REDIRECT_URIS: PSC_REDIRECT_URI,
    }),
    enrol(person) {
      const known = people.get(person.nationalId)
      const sub = known?.sub ?? `f:${randomUUID()}:${person.nationalId}`
      people.set(person.nationalId, { person, sub })
      return sub
    },
    async signIn(authorizationUrl, nationalId, options = {}) {
      const browser = new Browser()
      let location = authorizationUrl
      for (let hop = 0; hop < 10; hop++) {
        if (location.startsWith(PSC_REDIRECT_URI)) return callbackParameters(new URL(location))
        const page = await browser.get(location)
        if (page.status === 200 && location.includes('/interaction/')) {
          const form = new URLSearchParams({ nationalId, acr: options.acr ?? 'eidas1' })
          const action = `${location}/${options.cancel ? 'abort' : 'login'}`
          location = new URL((await browser.post(action, form)).location, location).href
        } else if (page.status >= 300 && page.status < 400) {
          location = new URL(page.location, location).href
        } else {
          throw new Error(`the provider answered ${page.status} at ${location}: ${page.body}`)
        }
      }
      throw new Error('too many redirects')
    },
    forgeSignatures(on) {
      current = on ? forger : genuine
    },
    async down() {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      )
    },
    async up() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    },
    async close() {
      if (!server.listening) return
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const callbackParameters = (url: URL): CallbackParameters => {
  const get = (name: string) => url.searchParams.get(name) ?? undefined
  const parameters = {
    state: get('state') ?? '',
    code: get('code'),
    iss: get('iss'),
    error: get('error'),
    errorDescription: get('error_description'),
  }
  return Object.fromEntries(
    Object.entries(parameters).filter(([, value]) => value !== undefined),
  ) as unknown as CallbackParameters
}
