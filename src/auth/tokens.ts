import { createSigner, createVerifier } from 'fast-jwt'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import type { SecretBox } from '../shared/secret-box.ts'
import { currentSigningKey, publicKeyPem, publicKeys } from './signing-keys.ts'

export const ISSUER = 'sesame'
export const PERSON_TOKEN_SECONDS = 10 * 60
export const LAB_TOKEN_SECONDS = 15 * 60
export const MAILBOX_TOKEN_SECONDS = 5 * 60

/**
 * What a person's access token says: who, in which session, how and when they signed in. No roles and
 * no rights: those are read from the database on every request (and by introspection), so that a
 * withdrawn role or right stops at once rather than when the token expires.
 */
export interface PersonClaims {
  typ: 'person'
  sub: string
  sid: string
  amr: string[]
  auth_time: number
}

/**
 * What a mailbox token says, once a member switched into a mailbox: the mailbox is the subject, the
 * person who acts for it is the actor (RFC 8693 `act`), within their session `sid`. Membership, the
 * mailbox and the account are checked on every request, as a person's session is.
 */
export interface MailboxClaims {
  typ: 'mailbox'
  sub: string
  mailbox_address: string
  act: { sub: string }
  sid: string
}

/** What a lab system's token says: which client of which lab. */
export interface LabClaims {
  typ: 'lab'
  sub: string
  lab: string
}

export type Claims = (PersonClaims | LabClaims | MailboxClaims) & {
  iat: number
  exp: number
  iss: string
  aud: string
}

const LIFETIME_SECONDS = {
  person: PERSON_TOKEN_SECONDS,
  lab: LAB_TOKEN_SECONDS,
  mailbox: MAILBOX_TOKEN_SECONDS,
} as const

export interface TokenService {
  issue(claims: PersonClaims | LabClaims | MailboxClaims): Promise<{ token: string; expiresIn: number }>
  /** Verifies signature (ES256 only), issuer, audience and expiry; throws on any failure. */
  verify(token: string): Promise<Claims>
}

/**
 * Access tokens: ES256 with a `kid`, the algorithm pinned on verification, for one audience
 * (`TOKEN_AUDIENCE`). Tokens live in real time (not the injected clock): their expiry is checked by
 * other applications too.
 */
export function createTokenService(deps: {
  db: Executor
  box: SecretBox
  clock: Clock
  audience: string
}): TokenService {
  const { db } = deps
  // The signing key is loaded (or created) on first use, so that an app on a database not yet
  // migrated still starts and answers its readiness probe.
  let signers: Promise<Record<keyof typeof LIFETIME_SECONDS, (claims: object) => string>> | undefined
  const loadSigners = async () => {
    const key = await currentSigningKey(db, deps.box, deps.clock)
    const signer = (seconds: number) =>
      createSigner({
        key: key.privateKeyPem,
        algorithm: 'ES256',
        kid: key.kid,
        iss: ISSUER,
        aud: deps.audience,
        expiresIn: seconds * 1000,
      })
    return {
      person: signer(LIFETIME_SECONDS.person),
      lab: signer(LIFETIME_SECONDS.lab),
      mailbox: signer(LIFETIME_SECONDS.mailbox),
    }
  }
  // Public keys by kid; a kid not seen yet (made by another instance) is looked up once more.
  const known = new Map<string, string>()
  const keyFor = async (kid: string | undefined) => {
    if (!kid) throw new Error('token has no kid')
    if (!known.has(kid)) for (const jwk of await publicKeys(db)) known.set(jwk.kid, publicKeyPem(jwk))
    const pem = known.get(kid)
    if (!pem) throw new Error('unknown signing key')
    return pem
  }
  const verifier = createVerifier({
    key: async (decoded: { header: { kid?: string } }) => keyFor(decoded.header.kid),
    algorithms: ['ES256'],
    allowedIss: ISSUER,
    allowedAud: deps.audience,
    // A claim that is absent is not checked against its allowed values: iss and aud must be there.
    requiredClaims: ['sub', 'exp', 'typ', 'iss', 'aud'],
    cache: 1000,
  })
  return {
    async issue(claims) {
      signers ??= loadSigners().catch((error: unknown) => {
        signers = undefined
        throw error
      })
      const token = (await signers)[claims.typ](claims)
      return { token, expiresIn: LIFETIME_SECONDS[claims.typ] }
    },
    verify: (token) => verifier(token) as Promise<Claims>,
  }
}
