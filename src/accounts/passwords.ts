import argon2 from 'argon2'
import type { PasswordHasher } from '../auth/password-hasher.ts'
import type { Config } from '../config.ts'
import { normalizePassword } from './password-policy.ts'

/** argon2id with OWASP's parameters by default (19 MiB, 2 passes, 1 lane). */
export function createPasswordHasher(
  config: Pick<Config, 'ARGON2_MEMORY_KIB' | 'ARGON2_TIME_COST' | 'ARGON2_PARALLELISM'>,
): PasswordHasher {
  const options = {
    type: argon2.argon2id as 2,
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  }
  let dummy: Promise<string> | undefined
  return {
    hash: (password) => argon2.hash(normalizePassword(password), options),
    async verify(hash, password) {
      dummy ??= argon2.hash('not a password of anyone', options)
      const candidate = normalizePassword(password)
      const matches = await argon2.verify(hash ?? (await dummy), candidate).catch(() => false)
      return hash !== null && matches
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
  }
}
