import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { DB } from '../db/schema.ts'
import { readinessCheck } from './readiness.ts'

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  reason: Type.Optional(Type.String({ examples: ['database unreachable'] })),
})

/**
 * Probes and metrics for the platform; never rate-limited. Under load shedding, readiness answers 503
 * (the balancer sends traffic elsewhere) but liveness and metrics still answer: a busy process is not a
 * dead one, and the metrics are how ops see why it is busy.
 */
export const opsRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<DB>; migrations: string[] }> = async (
  app,
  { db, migrations },
) => {
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
        response: { 200: Health },
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
        response: { 200: Health, 503: Health },
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

  app.get(
    '/metrics',
    {
      config: unshed,
      schema: {
        tags: ['ops'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: {
          200: {
            description: 'Prometheus text format 0.0.4',
            content: {
              'text/plain; version=0.0.4': {
                schema: Type.String({
                  examples: [
                    '# HELP outbox_pending_messages Emails waiting to be sent\n' +
                      '# TYPE outbox_pending_messages gauge\n' +
                      'outbox_pending_messages 3\n',
                  ],
                }),
              },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const body = await app.metrics.metrics()
      return reply.type(app.metrics.contentType).send(body)
    },
  )
}
