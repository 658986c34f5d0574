import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { Type } from 'typebox'

/**
 * `GET /metrics` in the Prometheus text format: on the API port by default, or alone on its own
 * listener (`METRICS_PORT`), which the load balancer does not expose.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ registry: Registry }> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      // Never rate-limited, never shed: the metrics are how ops see why the process is busy.
      config: { rateLimit: false, pressureHandler: () => undefined },
      schema: {
        tags: ['ops'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format); on METRICS_PORT instead when it is set',
        description:
          'For the platform’s scraper, without authentication: with `METRICS_PORT` set (recommended in ' +
          'production), only a listener on that port serves it and the API port answers 404. Never rate-limited.',
        produces: ['text/plain'],
        response: {
          200: {
            description: 'The metrics, in the Prometheus text format 0.0.4.',
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
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}

/** A listener of its own that serves only the API's metrics (see `METRICS_PORT`). */
export async function buildMetricsServer(api: FastifyInstance): Promise<FastifyInstance> {
  const server = Fastify({ loggerInstance: api.log.child({ listener: 'metrics' }) as FastifyBaseLogger })
  await server.register(metricsRoutes, { registry: api.metrics })
  return server
}
