import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Authenticated encryption (AES-256-GCM) under the service key, for secrets that must wait in the
 * database for a moment (an emailed code waiting in the outbox) without being readable there.
 * Layout: 12-byte nonce, 16-byte tag, ciphertext.
 */
export class SecretBox {
  readonly #key: Buffer
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be 32 bytes')
    this.#key = key
  }

  seal(value: unknown): Buffer {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce)
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    return Buffer.concat([nonce, cipher.getAuthTag(), body])
  }

  open<T>(sealed: Buffer): T {
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, 12))
    decipher.setAuthTag(sealed.subarray(12, 28))
    const body = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()])
    return JSON.parse(body.toString('utf8')) as T
  }
}
