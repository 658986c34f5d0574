import type { Clock } from '../clock.ts'
import { tooManyRequests } from '../shared/errors.ts'
import type { HitCounter } from './counters.ts'

export interface Limit {
  max: number
  windowMs: number
}

const MINUTE = 60_000

/**
 * What may be tried how often, per client address, and per secret or address typed *from one client
 * address*: someone else's guesses from elsewhere never use up the owner's tries. (Failed passwords
 * are counted apart, see `failures.ts`.)
 */
export const LIMITS = {
  signInPerIp: { max: 60, windowMs: 15 * MINUTE },
  codeChecksPerIp: { max: 60, windowMs: 15 * MINUTE },
  proofChecksPerClient: { max: 5, windowMs: 15 * MINUTE },
  proofPerEmail: { max: 1, windowMs: MINUTE },
  proofPerIp: { max: 30, windowMs: 60 * MINUTE },
  resetPerEmail: { max: 3, windowMs: 60 * MINUTE },
  resetPerIp: { max: 30, windowMs: 60 * MINUTE },
  activationPerClient: { max: 5, windowMs: 60 * MINUTE },
  pscPerIp: { max: 300, windowMs: 15 * MINUTE },
} satisfies Record<string, Limit>

/**
 * Counts an attempt against `key`, in PostgreSQL whatever the instance; past the limit, a 429 problem
 * with Retry-After.
 */
export async function throttle(
  deps: { attempts: HitCounter; clock: Clock },
  key: string,
  limit: Limit,
): Promise<void> {
  const hit = await deps.attempts.count(`throttle:${key}`, limit.windowMs, deps.clock.now())
  if (hit.count > limit.max) throw tooManyRequests(Math.ceil(hit.resetInMs / 1000))
}
