import { beforeEach } from 'vitest'

/** Why the tests that need Redis or PostgreSQL are skipped, and how to run them. */
export const NEEDS_REDIS = 'needs Redis: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379)'
export const NEEDS_POSTGRES =
  'needs PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) or start Docker'

/**
 * Skips the tests of the enclosing `describe` when `reason` is a string, and says why: the summary at
 * the end of the run lists each skipped test with its reason.
 */
export function skipTestsWhen(reason: string | false): void {
  beforeEach((context) => {
    if (reason) context.skip(reason)
  })
}
