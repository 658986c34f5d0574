import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { Clock } from '../clock.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { DB, Executor } from '../db/schema.ts'
import { conflict } from '../shared/errors.ts'
import { type BulkLoader, copyLoader, insertLoader } from './bulk-load.ts'

export type DirectoryKind = 'rpps' | 'finess'

export interface ImportDeps {
  db: Kysely<DB>
  /** The pg pool on PostgreSQL (COPY); absent on the embedded engine. */
  pool?: pg.Pool | undefined
  clock: Clock
  /** pino's, or a request's child of it. */
  logger: FastifyBaseLogger
}

const KEPT_REJECTIONS = 1000

/** Counts of an import in progress, written to its row every second so that others can follow. */
export class ImportProgress {
  linesRead = 0
  imported = 0
  rejected = 0
  readonly rejections: { line: number; reason: string }[] = []

  reject(line: number, reason: string): void {
    this.linesRead += 1
    this.rejected += 1
    if (this.rejections.length < KEPT_REJECTIONS) this.rejections.push({ line, reason })
  }

  accept(count = 1): void {
    this.linesRead += count
    this.imported += count
  }
}

/** What one kind of directory does in each phase of an import. */
export interface DirectorySpec {
  /** Creates the empty `*_next` tables. */
  prepare(db: Kysely<DB>): Promise<void>
  /** Streams the file into them. */
  load(input: NodeJS.ReadableStream, loader: BulkLoader, progress: ImportProgress): Promise<void>
  /** Derives, indexes and analyses the next tables. */
  finish(db: Kysely<DB>): Promise<void>
  /** Replaces the live tables with the next ones, inside the caller's transaction. */
  swap(db: Executor): Promise<void>
  /** Drops whatever `prepare` and `finish` made. */
  discard(db: Kysely<DB>): Promise<void>
}

export const loaderFor = (deps: ImportDeps): BulkLoader =>
  deps.pool ? copyLoader(deps.pool) : insertLoader(deps.db)

/** Starts the import's row; refuses a second import of the same kind while one runs. */
export async function startImport(
  deps: ImportDeps,
  kind: DirectoryKind,
  source: string,
  requestedBy: string | null,
) {
  try {
    return await deps.db
      .insertInto('directory_imports')
      .values({ kind, status: 'running', source, requested_by: requestedBy, started_at: deps.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('import_running', `An import of the ${kind} directory is already running.`)
    throw error
  }
}

export async function saveProgress(db: Kysely<DB>, id: string, progress: ImportProgress): Promise<void> {
  await db
    .updateTable('directory_imports')
    .set({
      lines_read: progress.linesRead,
      imported: progress.imported,
      rejected: progress.rejected,
      rejections: JSON.stringify(progress.rejections),
    })
    .where('id', '=', id)
    .execute()
}
