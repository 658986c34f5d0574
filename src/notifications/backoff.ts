/**
 * Delay before retry number `attempt` (1 for the first retry): exponential, capped, with jitter so that
 * messages that failed together do not all retry together. `random` is in [0, 1).
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}
