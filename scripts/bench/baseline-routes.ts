import argon2 from 'argon2'
import type { FastifyRequest } from 'fastify'
import type pg from 'pg'
import { readApprovalsInSession } from '../../src/access/approvals.ts'
import { readCollaboratorsInSession } from '../../src/access/collaborators.ts'
import { readMeInSession } from '../../src/accounts/me.ts'
import { searchEstablishments } from '../../src/directory/establishments.ts'
import { searchProfessionals } from '../../src/directory/search.ts'
import { mailboxDirectoryBaseline } from './mailboxes.ts'
import { fixedInSession, kyselyOf } from './session-check.ts'

/** The password of the sign-in scenario's accounts. */
export const BENCH_PASSWORD = 'Velo-Rouge-Sur-La-Colline-1987!'

/** The service's default ARGON2_* settings (OWASP: 19 MiB, 2 passes, 1 lane). */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export interface BaselineRoute {
  method: 'GET' | 'POST'
  url: string
  handler(pool: pg.Pool, request: FastifyRequest): Promise<unknown>
}

export type Query = Record<string, string | undefined>
let passwordHash: Promise<string> | undefined
/**
 * The baseline of each HTTP scenario: the same SQL (or the same hash check) as the service's route, on
 * a bare Fastify route with no validation, authentication, rate limit, security headers, metrics or
 * logging. The hot reads run the service's own statement builders: one statement each, the session
 * check included, exactly as the service sends it.
 */
export const baselineRoutes: BaselineRoute[] = [
  {
    // A warm readiness check: a ping (migrations were seen applied at start).
    method: 'GET',
    url: '/health/ready',
    async handler(pool) {
      await pool.query('select 1')
      return { status: 'ok' }
    },
  },
  {
    // `searchProfessionals` by last-name prefix: the service's own function, one statement (the page of
    // persons with their activities).
    method: 'GET',
    url: '/directory/professionals',
    async handler(pool, request) {
      const { lastName = '', limit = '20' } = request.query as Query
      return searchProfessionals(kyselyOf(pool), { lastName, limit: Number(limit) })
    },
  },
  {
    // The word searches of the directory: the service's own search functions (the same SQL, built the
    // same way), called from a bare route.
    method: 'GET',
    url: '/directory/words/:kind',
    async handler(pool, request) {
      const { kind } = request.params as { kind: string }
      const { q, limit = '20' } = request.query as Query
      const search = kind === 'professionals' ? searchProfessionals : searchEstablishments
      return search(kyselyOf(pool), { q, limit: Number(limit) })
    },
  },
  {
    // GET /v1/me: the service's one statement, session check included, run as is.
    method: 'GET',
    url: '/me',
    handler: async (pool, request) => fixedInSession(pool, request, readMeInSession),
  },
  {
    // GET /v1/approvals: the service's one statement (session check, then the delegate's queue).
    method: 'GET',
    url: '/approvals',
    async handler(pool, request) {
      const limit = Number((request.query as Query).limit ?? '20')
      const items = await fixedInSession(pool, request, (db, clock, session) =>
        readApprovalsInSession(db, clock, session, 'pending', limit, undefined),
      )
      return { items: items.slice(0, limit) }
    },
  },
  {
    // GET /v1/me/collaborators: the service's one statement (session check, who may see, what they see).
    method: 'GET',
    url: '/collaborators',
    handler: async (pool, request) => fixedInSession(pool, request, readCollaboratorsInSession),
  },
  {
    // The password step of sign-in: one argon2id verification of the same password, same settings.
    method: 'POST',
    url: '/login',
    async handler(_pool, request) {
      passwordHash ??= argon2.hash(BENCH_PASSWORD, ARGON2)
      const { password } = request.body as { password: string }
      if (!(await argon2.verify(await passwordHash, password))) throw new Error('wrong password')
      return { ok: true }
    },
  },
  mailboxDirectoryBaseline,
]
