import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { buildMetricsServer } from '../../src/ops/metrics-routes.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

interface Family {
  name: string
  type: string
  metrics: { labels?: Record<string, string>; value?: string }[]
}

describe('/metrics', () => {
  it('is valid Prometheus text exposition with process, HTTP and outbox metrics', async () => {
    await t.app.inject({ url: '/health/live' })
    await t.app.inject({ url: '/v1/unknown/1' })
    await t.app.deps.outbox.enqueue(t.app.deps.db, { to: 'queued@example.org', template: 'ops.test' })

    const response = await t.app.inject({ url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheusTextFormat(response.body) as Family[]
    const family = (name: string) => families.find((entry) => entry.name === name)

    expect(family('process_cpu_seconds_total')?.type).toBe('COUNTER')
    expect(family('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE')

    // The histogram's series are read from the text: this parser keeps only the buckets of each.
    expect(family('http_request_duration_seconds')?.type).toBe('HISTOGRAM')
    const series = response.body
      .split('\n')
      .filter((line) => line.startsWith('http_request_duration_seconds_count'))
    expect(series).toContainEqual(
      expect.stringMatching(
        /^http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} [1-9]/,
      ),
    )
    // Unknown paths share one series instead of one per path.
    expect(series).toContainEqual(expect.stringMatching(/route="unmatched",status_code="404"/))
    expect(series.some((line) => line.includes('/v1/unknown'))).toBe(false)

    expect(family('outbox_pending_messages')?.metrics[0]?.value).toBe('1')
    expect(family('outbox_dead_messages')?.metrics[0]?.value).toBe('0')
  })

  it('is checked by a parser that refuses malformed exposition', () => {
    expect(() => parsePrometheusTextFormat('# TYPE x counter\nx{a="1" 2\n')).toThrow()
  })
})

describe('/metrics with METRICS_PORT', () => {
  it('leaves the API port for a listener of its own', async () => {
    const apart = await createTestApp({ env: { METRICS_PORT: '9464' } })
    const server = await buildMetricsServer(apart.app)
    try {
      await apart.app.inject({ url: '/health/live' })
      const onApi = await apart.app.inject({ url: '/metrics' })
      expect(onApi.statusCode).toBe(404)
      expect(onApi.headers['content-type']).toMatch(/^application\/problem\+json/)
      const scraped = await server.inject({ url: '/metrics' })
      expect(scraped.statusCode).toBe(200)
      expect(scraped.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health\/live"/)
      // The metrics listener serves nothing else.
      expect((await server.inject({ url: '/health/live' })).statusCode).toBe(404)
      expect((await server.inject({ url: '/v1/me' })).statusCode).toBe(404)
    } finally {
      await server.close()
      await apart.close()
    }
  })

  it('must differ from the API port', () => {
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(
      /METRICS_PORT must differ from PORT/,
    )
  })
})
