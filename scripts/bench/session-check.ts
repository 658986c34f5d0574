import type { FastifyRequest } from 'fastify'
import { Kysely, PostgresDialect, type RawBuilder } from 'kysely'
import type pg from 'pg'
import { readInSession, type SessionRef } from '../../src/auth/sessions.ts'
import type { Clock } from '../../src/clock.ts'
import { systemClock } from '../../src/clock.ts'
import { preparingPool } from '../../src/db/database.ts'
import type { DB, Executor } from '../../src/db/schema.ts'

type Query = Record<string, string | undefined>
let kysely: Kysely<DB> | undefined
export const kyselyOf = (pool: pg.Pool) => {
  // As the service's: statements marked PREPARED are named prepared statements.
  kysely ??= new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
  return kysely
}

/**
 * A hot read's statement with its session check (`sessionStatement`), the very SQL the service sends,
 * for the session and account named in the query string; what it gives, else an error (not a 401).
 */
export const inSession = <T>(
  pool: pg.Pool,
  request: FastifyRequest,
  body: RawBuilder<T>,
  options = { prepared: true },
): Promise<T> =>
  fixedInSession(pool, request, (db, clock, session) => readInSession(db, clock, session, body, options))

/**
 * A hot read of fixed text (`fixedReadInSession`), as the service sends it, for the session and account
 * named in the query string; what it gives, else an error (not a 401).
 */
export async function fixedInSession<T>(
  pool: pg.Pool,
  request: FastifyRequest,
  read: (db: Executor, clock: Clock, session: SessionRef) => Promise<{ body: T } | null>,
): Promise<T> {
  const { account = '', session = '' } = request.query as Query
  const found = await read(kyselyOf(pool), systemClock, { sid: session, sub: account })
  if (!found) throw new Error('session not active')
  return found.body
}
