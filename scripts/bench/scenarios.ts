import type { FastifyRequest } from 'fastify'
import type pg from 'pg'

/** One measured request: the service's route and the baseline route that does the same SQL. */
export interface Scenario {
  name: string
  method: 'GET' | 'POST'
  path: string
  /** The path on the baseline server. */
  baselinePath: string
  headers?: Record<string, string>
  body?: string
  /** Goal, as the lowest acceptable throughput ratio service/baseline. */
  goal?: number
}

export interface BaselineRoute {
  method: 'GET' | 'POST'
  url: string
  handler(pool: pg.Pool, request: FastifyRequest): Promise<unknown>
}

export const scenarios: Scenario[] = [
  { name: 'GET /health/ready', method: 'GET', path: '/health/ready', baselinePath: '/health/ready' },
]

export const baselineRoutes: BaselineRoute[] = [
  {
    // The same query as a warm readiness check: a ping (migrations were seen applied at start).
    method: 'GET',
    url: '/health/ready',
    async handler(pool) {
      await pool.query('select 1')
      return { status: 'ok' }
    },
  },
]
