import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { createHitCounter, type Hit } from './counters.ts'

interface Window {
  /** The shared count as last read from PostgreSQL. */
  known: number
  /** Hits answered here and not yet written. */
  pending: number
  /** Hits being written. */
  writing: number
  resetAt: number
}

export interface RateCounterOptions {
  /** How often the hits answered from memory are written, in one statement for every key. */
  syncMs: number
  /** Below this share of its limit (as this instance knows the count), a hit is answered from memory. */
  share: number
}

/**
 * The counters of the request rate limits, shared by every instance through PostgreSQL at a fraction
 * of a statement a request.
 *
 * Far from its limit, a hit is answered from memory and written with the others every `syncMs`; from
 * `share` of the limit on, it is counted in PostgreSQL before the answer (with whatever this instance
 * had not yet written), so the limit itself is enforced exactly. What is given up: a client spreading
 * a burst over several instances is seen late, by at most `share` of the limit per instance, within one
 * sync. Attempt throttles (codes, passwords) do not use this: they count every attempt in PostgreSQL.
 */
export function createRateCounter(db: Executor, clock: Clock, options: RateCounterOptions) {
  const exact = createHitCounter(db)
  const windows = new Map<string, Window>()
  let timer: NodeJS.Timeout | undefined
  let syncing: Promise<void> | undefined

  async function write(key: string, window: Window, windowMs: number, now: Date, hits: number) {
    window.pending -= hits
    window.writing += hits
    try {
      const hit = await exact.count(key, windowMs, now, hits)
      window.known = hit.count
      window.resetAt = now.getTime() + hit.resetInMs
      return hit
    } finally {
      window.writing -= hits
    }
  }

  /** Writes every hit answered from memory; forgets the windows that have ended (and their hits). */
  async function sync() {
    timer = undefined
    const now = clock.now()
    const writes: Promise<Hit>[] = []
    for (const [key, window] of windows) {
      const left = window.resetAt - now.getTime()
      if (left <= 0) {
        if (window.writing === 0) windows.delete(key)
      } else if (window.pending > 0) writes.push(write(key, window, left, now, window.pending))
    }
    await Promise.allSettled(writes)
  }

  return {
    async count(key: string, windowMs: number, max: number, now: Date): Promise<Hit> {
      let window = windows.get(key)
      if (!window || window.resetAt <= now.getTime()) {
        window = { known: 0, pending: 0, writing: 0, resetAt: now.getTime() + windowMs }
        windows.set(key, window)
      }
      window.pending += 1
      const estimate = window.known + window.writing + window.pending
      if (estimate <= max * options.share) {
        timer ??= setTimeout(() => {
          syncing = sync()
        }, options.syncMs).unref()
        return { count: estimate, resetInMs: window.resetAt - now.getTime() }
      }
      return write(key, window, windowMs, now, window.pending)
    },

    /** Writes what is pending, at shutdown. */
    async close() {
      clearTimeout(timer)
      await syncing
      await sync()
    },
  }
}
