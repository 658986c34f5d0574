import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { DB } from '../db/schema.ts'
import { readinessCheck } from './readiness.ts'

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  reason: Type.Optional(Type.String({ examples: ['database unreachable'] })),
})

/** Probes and metrics for the platform; never rate-limited. */
export const opsRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<DB>; migrations: string[] }> = async (
  app,
  { db, migrations },
) => {
  const config = { rateLimit: false } as const
  const checkReadiness = readinessCheck(db, migrations)

  app.get(
    '/health/live',
    {
      config,
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
      config,
      schema: {
        tags: ['ops'],
        operationId: 'getReadiness',
        summary: 'Ready to serve: database reachable and migrations applied',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const readiness = await checkReadiness()
      if (readiness.ready) return { status: 'ok' as const }
      return reply.status(503).send({ status: 'unavailable' as const, reason: readiness.reason })
    },
  )

  app.get(
    '/metrics',
    {
      config,
      schema: {
        tags: ['ops'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: {
          200: {
            description: 'Prometheus text format 0.0.4',
            content: { 'text/plain; version=0.0.4': { schema: Type.String() } },
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
