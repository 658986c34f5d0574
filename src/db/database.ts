import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { PGlite } from '@electric-sql/pglite'
import {
  Kysely,
  type PostgresCursor,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  sql,
} from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { lockEmbeddedDatabase } from './embedded-lock.ts'
import { isDatabaseUnavailable } from './errors.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import type { DB } from './schema.ts'

export type Engine = 'postgres' | 'embedded'

export interface Database {
  db: Kysely<DB>
  engine: Engine
  /** Where it lives, without credentials: fit for a log line. */
  description: string
  /** The pg pool, when on PostgreSQL (bulk loads use its COPY support). */
  pool: pg.Pool | undefined
  close(): Promise<void>
}

// Bigint columns (counts, sequences) come back as strings by default; ours stay well under 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))

export interface DatabaseOptions {
  databaseUrl?: string | undefined
  poolSize?: number
  /** Folder of the embedded engine; `memory://` keeps it in memory. */
  dataDir?: string
  logger?: Logger
}

/**
 * Waits until the database answers, retrying with backoff (0.25 s doubling to 5 s) while it is
 * unreachable or starting up, for at most `timeoutMs`; then throws the last error. Any other error
 * (a refused password, a missing database) throws at once: waiting would not mend it.
 */
export async function waitForDatabase(
  database: Database,
  options: { timeoutMs: number; onRetry: (error: unknown, retryInMs: number) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await sql`select 1`.execute(database.db)
      return
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) throw error
      options.onRetry(error, delay)
      await sleep(delay)
    }
  }
}

/**
 * A statement whose text begins with this comment is sent as a named prepared statement, prepared once
 * per connection: PostgreSQL parses it once, and plans it once when its generic plan is as good as the
 * plans for each set of values (a page size sent as a value makes it far worse: write it in the text, as
 * the approval queue does). For the hot reads, whose one statement takes longer to plan than to run (about
 * 2 ms against 0.5 for `GET /v1/me`).
 */
export const PREPARED = '/* prepared */ '

/** A pooled client that sends `PREPARED` statements as named prepared statements, the others as they are. */
class PreparingClient implements PostgresPoolClient {
  readonly #client: pg.PoolClient

  constructor(client: pg.PoolClient) {
    this.#client = client
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
  query<R>(
    text: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Kysely sends cursors only when the dialect is given a cursor class, which Sésame never does.
    if (typeof text !== 'string') throw new Error('Cursors are not used with this pool.')
    const values = [...parameters]
    const sent = text.startsWith(PREPARED)
      ? this.#client.query({ name: statementName(text), text, values })
      : this.#client.query(text, values)
    return sent.then((result) => ({
      command: result.command as PostgresQueryResult<R>['command'],
      rowCount: result.rowCount ?? 0,
      rows: result.rows,
    }))
  }

  release(destroy?: boolean) {
    this.#client.release(destroy)
  }
}

/** The pool, its clients sending `PREPARED` statements as named prepared statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    options: pool.options,
    connect: async () => new PreparingClient(await pool.connect()),
    end: () => pool.end(),
  }
}

/** Names by text: a fixed statement (`fixedStatement`) sends the very same string each time, hashed once. */
const names = new Map<string, string>()
const statementName = (text: string) => {
  let name = names.get(text)
  if (name === undefined) {
    if (names.size >= 1_000) names.clear()
    name = `sesame_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`
    names.set(text, name)
  }
  return name
}

/** PostgreSQL through a pg pool when a URL is given, else the embedded PostgreSQL (PGlite). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl)
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'sesame',
      // Short statements only, many at once: no JIT compiling, and no parallel workers. PostgreSQL starts
      // both on cost estimates alone: compiling took half a second over the mailbox directory's
      // millisecond-long statement, and workers took 5 ms to start for a part of it that had nothing to
      // do.
      options: '-c jit=off -c max_parallel_workers_per_gather=0',
    })
    // A connection that dies (database restart, network cut) must not crash the process: its query
    // fails, the pool drops it, and the next query opens a new one. pg emits `error` on the client
    // even while it is checked out, where the pool does not listen, hence a listener on each client.
    const lost = (error: Error) => options.logger?.warn({ err: error }, 'database connection lost')
    pool.on('error', lost)
    pool.on('connect', (client) => client.on('error', lost))
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
    return {
      db,
      engine: 'postgres',
      description: `postgres://${url.host}${url.pathname}`,
      pool,
      close: () => db.destroy(),
    }
  }
  const dataDir = options.dataDir ?? 'memory://'
  const inMemory = dataDir.startsWith('memory://')
  let unlock = () => {}
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true })
    unlock = await lockEmbeddedDatabase(dataDir)
  }
  let client: PGlite
  try {
    client = await PGlite.create(dataDir)
  } catch (error) {
    unlock()
    throw error
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
  return {
    db,
    engine: 'embedded',
    description: inMemory ? 'embedded PostgreSQL in memory' : `embedded PostgreSQL in ${dataDir}`,
    pool: undefined,
    async close() {
      await db.destroy()
      unlock()
    },
  }
}
