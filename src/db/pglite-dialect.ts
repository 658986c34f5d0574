import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * Kysely dialect for the embedded PostgreSQL (PGlite). PGlite is one session, so the driver hands out a
 * single connection at a time: a transaction holds it until it commits or rolls back, and other queries
 * wait their turn. (The published dialect packages pin older PGlite majors.)
 */
export class PGliteDialect implements Dialect {
  readonly #client: PGlite
  constructor(client: PGlite) {
    this.#client = client
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#client)
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #client: PGlite
  constructor(client: PGlite) {
    this.#client = client
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters, the simple protocol runs scripts of several statements (migrations).
    const result =
      query.parameters.length === 0
        ? (await this.#client.exec(query.sql)).at(-1)
        : await this.#client.query<R>(query.sql, [...query.parameters])
    const rows = (result?.rows ?? []) as R[]
    return result?.affectedRows === undefined
      ? { rows }
      : { rows, numAffectedRows: BigInt(result.affectedRows) }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query)
    for (let index = 0; index < rows.length; index += chunkSize) {
      yield { rows: rows.slice(index, index + chunkSize) }
    }
  }
}

class PGliteDriver implements Driver {
  readonly #client: PGlite
  readonly #connection: PGliteConnection
  #holder: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  constructor(client: PGlite) {
    this.#client = client
    this.#connection = new PGliteConnection(client)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#holder
    let release!: () => void
    this.#holder = new Promise((resolve) => {
      release = resolve
    })
    await previous
    this.#release = release
    return this.#connection
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    await this.#client.close()
  }
}
