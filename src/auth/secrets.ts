import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/**
 * Emailed codes and link tokens are kept as keyed hashes (HMAC-SHA-256 under a key derived from the
 * service key): a copy of the database does not let anyone test the million 6-digit codes offline.
 */
export interface SecretHasher {
  hash(purpose: string, value: string): string
  matches(purpose: string, value: string, expected: string | null): boolean
}

export function createSecretHasher(serviceKey: Buffer): SecretHasher {
  const key = Buffer.from(hkdfSync('sha256', serviceKey, Buffer.alloc(0), 'sesame secrets', 32))
  const hash = (purpose: string, value: string) =>
    createHmac('sha256', key).update(`${purpose}\0${value}`).digest('hex')
  return {
    hash,
    matches(purpose, value, expected) {
      const actual = Buffer.from(hash(purpose, value), 'hex')
      const wanted = expected ? Buffer.from(expected, 'hex') : Buffer.alloc(actual.length)
      return wanted.length === actual.length && timingSafeEqual(actual, wanted) && expected !== null
    },
  }
}

/** A code of `digits` decimal digits from the CSPRNG, leading zeros kept. */
export const randomCode = (digits = 6) => String(randomInt(0, 10 ** digits)).padStart(digits, '0')

/** An unguessable token for links and refresh tokens: 256 bits, base64url. */
export const randomToken = () => randomBytes(32).toString('base64url')
