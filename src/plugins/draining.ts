import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyInstance {
    /** The first step of a graceful shutdown (see `src/server.ts`). */
    draining: Draining
  }
}

export interface Draining {
  readonly started: boolean
  /** From now on readiness answers 503 and every response closes its connection. */
  start(): void
}

/**
 * Draining before a shutdown: the load balancer sees readiness fail and stops sending, while requests
 * that still arrive are served in full, each answer with `Connection: close` so that clients open
 * their next connection elsewhere. When the server closes, no idle kept-alive connection is left to
 * reset under a request on its way.
 */
export function installDraining(app: FastifyInstance): void {
  let started = false
  app.decorate('draining', {
    get started() {
      return started
    },
    start() {
      started = true
    },
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (started) reply.header('connection', 'close')
    done(null, payload)
  })
}
