import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { DB } from '../db/schema.ts'
import { metricsRoutes } from './metrics-routes.ts'
import { readinessCheck } from './readiness.ts'

const Health = Type.Object({
  status: Type.Enum(['ok', 'unavailable'] as const),
  reason: Type.Optional(Type.String({ examples: ['database unreachable'] })),
})

/**
 * Probes and metrics for the platform; never rate-limited. Under load shedding, readiness answers 503
 * (the balancer sends traffic elsewhere) but liveness and metrics still answer: a busy process is not a
 * dead one, and the metrics are how ops see why it is busy. With `METRICS_PORT`, the metrics leave the
 * API port for a listener of their own.
 */
export const opsRoutes: FastifyPluginAsyncTypebox<{
  db: Kysely<DB>
  migrations: string[]
  /** False when the metrics have a listener of their own (`METRICS_PORT`). */
  serveMetrics: boolean
}> = async (app, { db, migrations, serveMetrics }) => {
  const config = { rateLimit: false } as const
  // A route's own pressure handler that returns nothing lets the request through (@fastify/under-pressure).
  const unshed = { ...config, pressureHandler: () => undefined }
  // Readiness sheds in its own shape, which balancers read.
  const shedAsUnready = {
    ...config,
    pressureHandler: (_request: FastifyRequest, reply: FastifyReply) => {
      reply.code(503).header('retry-after', '5')
      return { status: 'unavailable' as const, reason: 'overloaded' }
    },
  }
  const checkReadiness = readinessCheck(db, migrations)

  app.get(
    '/health/live',
    {
      config: unshed,
      schema: {
        tags: ['ops'],
        operationId: 'getLiveness',
        summary: 'The process is up',
        description:
          'Public, for the platform’s liveness probe: answers while the process runs, even under load ' +
          'shedding or a database outage. Never rate-limited.',
        response: { 200: Type.With(Health, { description: 'The process answers.' }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      config: shedAsUnready,
      schema: {
        tags: ['ops'],
        operationId: 'getReadiness',
        summary: 'Ready to serve: database reachable and migrations applied',
        description:
          'Public, for the load balancer’s readiness probe; never rate-limited. 503 while the database is ' +
          'unreachable or behind on migrations, under load shedding, or while the process shuts down.',
        response: {
          200: Type.With(Health, { description: 'Ready: send traffic here.' }),
          503: Type.With(Health, { description: 'Not ready, and why: send traffic elsewhere for now.' }),
        },
      },
    },
    async (_request, reply) => {
      if (app.draining.started) {
        return reply.status(503).send({ status: 'unavailable' as const, reason: 'shutting down' })
      }
      const readiness = await checkReadiness()
      if (readiness.ready) return { status: 'ok' as const }
      return reply.status(503).send({ status: 'unavailable' as const, reason: readiness.reason })
    },
  )

  if (serveMetrics) await app.register(metricsRoutes, { registry: app.metrics })
}
