import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Kysely, sql } from 'kysely'
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/

/** Reads `migrations/NNNN_name.sql`, in name order. A migration is one SQL script, applied forwards only. */
export class SqlFileMigrationProvider implements MigrationProvider {
  readonly #dir: string
  constructor(dir = MIGRATIONS_DIR) {
    this.#dir = dir
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await readdir(this.#dir)).filter((name) => MIGRATION_FILE.test(name)).sort()
    const migrations: Record<string, Migration> = {}
    for (const name of names) {
      const script = await readFile(new URL(name, `file://${this.#dir}/`), 'utf8')
      migrations[name.replace(/\.sql$/, '')] = {
        up: (db) =>
          sql
            .raw(script)
            .execute(db)
            .then(() => {}),
      }
    }
    return migrations
  }
}

const migrator = <T>(db: Kysely<T>) => new Migrator({ db, provider: new SqlFileMigrationProvider() })

/**
 * Applies every pending migration, one transaction each, in order. Kysely holds a PostgreSQL advisory
 * lock meanwhile, so two instances starting together never both migrate: the second waits, then finds
 * nothing left to do.
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const applied: string[] = []
  for (;;) {
    const { error, results } = await migrator(db).migrateUp()
    if (error) throw error
    const done = (results ?? []).filter((result) => result.status === 'Success')
    if (done.length === 0) return applied
    applied.push(...done.map((result) => result.migrationName))
  }
}

/** Names of the migration files, in order. */
export async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  return Object.keys(await new SqlFileMigrationProvider(dir).getMigrations())
}

/**
 * Which of `expected` this database has not applied. Read-only (readiness probes call it): a database
 * that was never migrated has every migration pending.
 */
export async function pendingMigrations<T>(db: Kysely<T>, expected: string[]): Promise<string[]> {
  const exists = await sql<{
    found: string | null
  }>`select to_regclass('kysely_migration')::text as found`.execute(db)
  if (!exists.rows[0]?.found) return expected
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const done = new Set(applied.rows.map((row) => row.name))
  return expected.filter((name) => !done.has(name))
}
