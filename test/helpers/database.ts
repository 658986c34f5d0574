import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { type Database, openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { adminQuery } from './database-source.ts'

export interface TestDatabase extends Database {
  /** The connection URL, on PostgreSQL. */
  url: string | undefined
  /** Closes the connections and drops the database. */
  drop(): Promise<void>
}

/**
 * A fresh, migrated database for one test file: a clone of the run's template on PostgreSQL, or an
 * in-memory embedded PostgreSQL.
 */
export async function createTestDatabase(
  options: { migrated?: boolean; via?: (url: string) => string } = {},
): Promise<TestDatabase> {
  const source = inject('database')
  if (source.kind === 'embedded') {
    const database = await openDatabase({ dataDir: 'memory://' })
    if (options.migrated !== false) await migrateToLatest(database.db)
    return { ...database, url: undefined, drop: () => database.close() }
  }
  const name = `sesame_test_${randomBytes(6).toString('hex')}`
  const template = options.migrated === false ? 'template0' : source.template
  await adminQuery(source.adminUrl, `create database ${name} template ${template}`)
  const url = new URL(source.adminUrl)
  url.pathname = `/${name}`
  const connectTo = options.via ? options.via(url.toString()) : url.toString()
  const database = await openDatabase({ databaseUrl: connectTo, poolSize: 5 })
  return {
    ...database,
    url: url.toString(),
    drop: async () => {
      await database.close()
      await adminQuery(source.adminUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

export const onPostgres = () => inject('database').kind === 'postgres'

/** Host and port of the PostgreSQL server of this run. */
export function postgresAddress(): { host: string; port: number } {
  const source = inject('database')
  if (source.kind !== 'postgres') throw new Error('Not running on PostgreSQL')
  const url = new URL(source.adminUrl)
  return { host: url.hostname, port: Number(url.port || 5432) }
}
