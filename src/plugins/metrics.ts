import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { isDatabaseUnavailable } from '../db/errors.ts'
import type { DB } from '../db/schema.ts'
import { outboxCounts } from '../notifications/outbox.ts'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

/**
 * Prometheus metrics, in a registry of this app's own: process metrics, HTTP request durations by
 * route pattern and status, requests that met the database out, and the outbox backlog read at scrape
 * time.
 */
export function installMetrics(app: FastifyInstance, deps: { db: Kysely<DB> }): void {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  // One series per (method, route, status), looked up once: observing then skips hashing the labels.
  const series = new Map<string, ReturnType<typeof durations.labels>>()
  app.addHook('onResponse', (request, reply, done) => {
    // Unknown paths share one label, so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${request.method} ${reply.statusCode} ${route}`
    let observer = series.get(key)
    if (!observer) {
      observer = durations.labels({ method: request.method, route, status_code: String(reply.statusCode) })
      series.set(key, observer)
    }
    observer.observe(reply.elapsedTime / 1000)
    done()
  })

  const databaseUnavailable = new Counter({
    name: 'database_unavailable_requests_total',
    help: 'Requests answered 503 because the database could not be reached or could not serve',
    registers: [registry],
  })
  app.addHook('onError', async (_request, _reply, error) => {
    if (isDatabaseUnavailable(error)) databaseUnavailable.inc()
  })

  // One query per scrape feeds both gauges: prom-client collects every metric at once, so the
  // second gauge joins the query the first one started.
  let scrape: ReturnType<typeof outboxCounts> | undefined
  // With the database out, the gauges keep their last values: the scrape still answers.
  let last = { pending: 0, dead: 0 }
  const counts = () => {
    scrape ??= outboxCounts(deps.db)
      .then(
        (counted) => {
          last = counted
          return counted
        },
        () => last,
      )
      .finally(() => {
        scrape = undefined
      })
    return scrape
  }
  new Gauge({
    name: 'outbox_pending_messages',
    help: 'Emails waiting to be sent',
    registers: [registry],
    async collect() {
      this.set((await counts()).pending)
    },
  })
  new Gauge({
    name: 'outbox_dead_messages',
    help: 'Emails given up after the last retry',
    registers: [registry],
    async collect() {
      this.set((await counts()).dead)
    },
  })

  app.decorate('metrics', registry)
}
