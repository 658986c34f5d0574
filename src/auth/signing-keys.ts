import { createPublicKey, generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import type { SecretBox } from '../shared/secret-box.ts'

export interface SigningKey {
  kid: string
  privateKeyPem: string
}

/** An ES256 public key as JWKS publishes it. */
export type PublicJwk = {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
  kid: string
  alg: 'ES256'
  use: 'sig'
}

/**
 * The key this instance signs with: the newest one not retired, created on first start. The advisory
 * lock makes instances starting together agree on one key.
 */
export async function currentSigningKey(db: Executor, box: SecretBox, clock: Clock): Promise<SigningKey> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('sesame.signing_keys'))`.execute(trx)
    const existing = await trx
      .selectFrom('signing_keys')
      .select(['kid', 'private_key_sealed'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    if (existing) return { kid: existing.kid, privateKeyPem: box.open<string>(existing.private_key_sealed) }

    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const kid = randomUUID()
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    await trx
      .insertInto('signing_keys')
      .values({
        kid,
        algorithm: 'ES256',
        public_jwk: JSON.stringify(publicKey.export({ format: 'jwk' })),
        private_key_sealed: box.seal(privateKeyPem),
        created_at: clock.now(),
      })
      .execute()
    return { kid, privateKeyPem }
  })
}

/** Every key a token may be signed with, as published at /.well-known/jwks.json. */
export async function publicKeys(db: Executor): Promise<PublicJwk[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'public_jwk'])
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map((row) => ({
    kty: 'EC',
    crv: 'P-256',
    x: String(row.public_jwk.x),
    y: String(row.public_jwk.y),
    kid: row.kid,
    alg: 'ES256',
    use: 'sig',
  }))
}

export const publicKeyPem = (jwk: JsonWebKey) =>
  createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
