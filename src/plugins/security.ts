import cors from '@fastify/cors'
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import type { HelmetOptions } from 'helmet'
import { Redis } from 'ioredis'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { DB } from '../db/schema.ts'
import { clientKeyOf } from '../shared/client-key.ts'
import { sweepCounters } from '../throttle/counters.ts'
import { createRateCounter } from '../throttle/rate-counter.ts'
import { installSecurityHeaders } from './security-headers.ts'

/**
 * Helmet's headers as a JSON API wants them (OWASP REST Security): nothing to load and nothing to frame
 * (the docs page sets its own policy for its scripts). The headers that only HTML pages use are left out:
 * DNS prefetching, IE 8's downloads, the retired XSS auditor, origin-keyed agent clusters.
 */
export const API_SECURITY_HEADERS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  xFrameOptions: { action: 'deny' },
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xXssProtection: false,
  originAgentCluster: false,
}

/**
 * HTTP hardening: security headers, the CORS allow-list, request rate limits shared by every instance
 * (Redis when configured, else PostgreSQL), and load shedding with a 503 problem.
 */
export async function installSecurity(
  app: FastifyInstance,
  deps: { config: Config; db: Kysely<DB>; clock: Clock },
): Promise<void> {
  const { config } = deps
  installSecurityHeaders(app, API_SECURITY_HEADERS)
  await app.register(cors, {
    origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'location'],
  })

  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 })
    : undefined
  if (redis) app.addHook('onClose', async () => void (await redis.quit()))
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    // An IPv6 client counts as its /64, which it could otherwise rotate through.
    keyGenerator: (request) => clientKeyOf(request.ip),
    ...(redis ? { redis, nameSpace: 'sesame:rate:' } : { store: postgresStore(app, deps.db, deps.clock) }),
    // A store that cannot count must not take the API down with it.
    skipOnError: true,
  })

  await app.register(underPressure, {
    maxEventLoopDelay: config.MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.MAX_EVENT_LOOP_UTILIZATION,
    retryAfter: 5,
  })
}

/** A @fastify/rate-limit store counting in PostgreSQL (see `createRateCounter`). */
function postgresStore(app: FastifyInstance, db: Kysely<DB>, clock: Clock) {
  const counter = createRateCounter(db, clock, { syncMs: 250, share: 0.25 })
  app.addHook('onClose', () => counter.close())
  let hits = 0
  /** One store per route: its keys are prefixed with the route, the global one's with nothing. */
  return class PostgresRateStore implements FastifyRateLimitStore {
    readonly prefix: string
    constructor(_options?: unknown, prefix = '') {
      this.prefix = prefix
    }
    incr(
      key: string,
      callback: Parameters<FastifyRateLimitStore['incr']>[1],
      timeWindow: number,
      max: number,
    ) {
      const now = clock.now()
      counter
        .count(`rate:${this.prefix}${key}`, timeWindow ?? 60_000, max ?? 0, now)
        .then((hit) => callback(null, { current: hit.count, ttl: hit.resetInMs }))
        .catch((error: Error) => callback(error))
      // Now and then, clear the windows that have ended.
      if (++hits % 1000 === 0) sweepCounters(db, now).catch(() => {})
    }
    child(route: { method: string | string[]; url: string }): FastifyRateLimitStore {
      return new PostgresRateStore(undefined, `${route.method}:${route.url}:`)
    }
  }
}
