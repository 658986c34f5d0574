import { describe, expect, it } from 'vitest'
import { retryDelay } from '../../src/notifications/backoff.ts'

describe('retry delay', () => {
  it.each([
    // attempt, random, expected (base 1000 ms, cap 60000 ms)
    [1, 0, 500],
    [1, 0.999, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [6, 0, 16000],
    [7, 0.999, 59970],
    [20, 0, 30000],
  ])('attempt %i with jitter %f waits %i ms', (attempt, random, expected) => {
    expect(retryDelay(attempt, 1000, 60_000, random)).toBe(expected)
  })

  it('never waits less than half nor more than the cap', () => {
    for (let attempt = 1; attempt < 30; attempt++) {
      for (const random of [0, 0.25, 0.75, 0.9999]) {
        const delay = retryDelay(attempt, 5000, 3_600_000, random)
        expect(delay).toBeGreaterThanOrEqual(2500)
        expect(delay).toBeLessThanOrEqual(3_600_000)
      }
    }
  })
})
