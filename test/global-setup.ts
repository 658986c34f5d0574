import { existsSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { adminQuery, type TestDatabaseSource, templateName } from './helpers/database-source.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    database: TestDatabaseSource
  }
}

/**
 * Chooses the database for the whole run, and says which:
 * 1. `TEST_DATABASE_URL` when set (CI sets it to the local PostgreSQL);
 * 2. else a PostgreSQL container when a Docker engine answers (testcontainers);
 * 3. else the embedded PostgreSQL, one in-memory instance per test file.
 * On PostgreSQL, a template database is migrated once and each file clones it.
 */
export default async function setup(project: TestProject) {
  let source: TestDatabaseSource = { kind: 'embedded' }
  let stopContainer: (() => Promise<unknown>) | undefined
  if (process.env.TEST_DATABASE_URL) {
    source = { kind: 'postgres', adminUrl: process.env.TEST_DATABASE_URL, origin: 'TEST_DATABASE_URL' }
  } else if (dockerLikelyAvailable()) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
      const container = await new PostgreSqlContainer('postgres:17-alpine').start()
      stopContainer = () => container.stop()
      source = { kind: 'postgres', adminUrl: container.getConnectionUri(), origin: 'testcontainers' }
    } catch (error) {
      console.warn(
        `[test database] Docker did not start PostgreSQL (${(error as Error).message}); using the embedded one`,
      )
    }
  }

  if (source.kind === 'postgres') {
    const template = templateName()
    await adminQuery(source.adminUrl, `drop database if exists ${template}`)
    await adminQuery(source.adminUrl, `create database ${template}`)
    const url = new URL(source.adminUrl)
    url.pathname = `/${template}`
    const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 })
    await migrateToLatest(database.db)
    await database.close()
    source = { ...source, template }
    const where = new URL(source.adminUrl)
    console.log(
      `[test database] PostgreSQL at ${where.host} (from ${source.origin}), one database per test file`,
    )
  } else {
    console.log('[test database] embedded PostgreSQL (PGlite), one in-memory instance per test file')
  }
  project.provide('database', source)

  return async () => {
    if (source.kind === 'postgres' && source.template) {
      await adminQuery(source.adminUrl, `drop database if exists ${source.template}`)
    }
    await stopContainer?.()
  }
}

function dockerLikelyAvailable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock')
}
