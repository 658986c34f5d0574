import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'

let t: TestApp

beforeAll(async () => {
  // Any blocked event loop is too much: the service must shed load rather than queue it.
  t = await createTestApp({ env: { MAX_EVENT_LOOP_DELAY_MS: '1' } })
})
afterAll(() => t.close())

/** Holds the event loop, as a burst of CPU-bound work would. */
function blockEventLoop(ms: number) {
  const end = performance.now() + ms
  while (performance.now() < end) {}
}

describe('load shedding', () => {
  it('answers 503 problems with Retry-After while the event loop lags, except liveness and metrics', async () => {
    // The lag is sampled on a timer: keep blocking until a sample has seen it.
    const shed = await vi.waitFor(
      async () => {
        blockEventLoop(50)
        const response = await t.app.inject({ url: '/v1/labs' })
        expect(response.statusCode).toBe(503)
        return response
      },
      { timeout: 15_000, interval: 20 },
    )
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0)
    expect(shed.json()).toMatchObject({ status: 503 })
    expect(shed.json()).not.toHaveProperty('stack')
    // The lag is still measured as it was: the same sample sheds readiness but not liveness or metrics.
    const ready = await t.app.inject({ url: '/health/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'unavailable', reason: 'overloaded' })
    expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200)
  })
})
