/** How passwords are hashed and checked (argon2id, see `accounts/passwords.ts`). */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  /**
   * Whether the password matches. With no hash (unknown account), a dummy hash is verified anyway, so
   * that known and unknown accounts take the same time.
   */
  verify(hash: string | null, password: string): Promise<boolean>
  /** True when the hash was made with other parameters than today's: rehash it at sign-in. */
  needsRehash(hash: string): boolean
}
