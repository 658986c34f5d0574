import type { Kysely } from 'kysely'
import type { DB, Executor } from '../db/schema.ts'
import { DirectoryFileError } from './file-error.ts'
import { finessSpec } from './finess-import.ts'
import {
  type DirectoryKind,
  type DirectorySpec,
  type ImportDeps,
  ImportProgress,
  loaderFor,
  saveProgress,
  startImport,
} from './import-job.ts'
import { rppsSpec } from './rpps-import.ts'

const SPECS: Record<DirectoryKind, DirectorySpec> = { rpps: rppsSpec, finess: finessSpec }
const INTERNAL_FAILURE = 'The import failed on our side; the service log has the cause under this import id.'

/**
 * Imports a directory file, streaming: load into the `*_next` tables, derive and index them, then swap
 * them in, in one transaction. On any failure the `*_next` tables are dropped and the live directory
 * stays as it was. The import's row tells its progress all along and its outcome at the end.
 */
export async function importDirectory(
  deps: ImportDeps,
  kind: DirectoryKind,
  input: NodeJS.ReadableStream,
  meta: { source: string; requestedBy: string | null },
): Promise<string> {
  const spec = SPECS[kind]
  const { id } = await startImport(deps, kind, meta.source, meta.requestedBy)
  const progress = new ImportProgress()
  const log = deps.logger.child({ importId: id, kind })
  const timer = setInterval(() => void saveProgress(deps.db, id, progress).catch(() => {}), 1000)
  try {
    const started = performance.now()
    await spec.prepare(deps.db)
    await spec.load(input, loaderFor(deps), progress)
    const loaded = performance.now()
    await spec.finish(deps.db)
    const indexed = performance.now()
    await deps.db.transaction().execute(async (trx) => {
      await spec.swap(trx)
      await finishImport(trx, id, progress, 'succeeded', null, deps.clock.now())
    })
    const seconds = (from: number, to: number) => Math.round(to - from) / 1000
    log.info(
      {
        linesRead: progress.linesRead,
        imported: progress.imported,
        rejected: progress.rejected,
        loadSeconds: seconds(started, loaded),
        indexSeconds: seconds(loaded, indexed),
        swapSeconds: seconds(indexed, performance.now()),
      },
      'directory imported',
    )
  } catch (error) {
    // The report tells what is wrong with the file, never an internal error: that goes to the log.
    const fileError = error instanceof DirectoryFileError
    const reason = fileError ? error.message.slice(0, 1000) : INTERNAL_FAILURE
    log.warn(
      { err: fileError ? { message: reason } : error },
      'directory import failed; the previous directory stays',
    )
    await spec.discard(deps.db).catch(() => {})
    await finishImport(deps.db, id, progress, 'failed', reason, deps.clock.now())
  } finally {
    clearInterval(timer)
  }
  return id
}

async function finishImport(
  db: Executor,
  id: string,
  progress: ImportProgress,
  status: 'succeeded' | 'failed',
  error: string | null,
  at: Date,
) {
  await saveProgress(db, id, progress)
  await db
    .updateTable('directory_imports')
    .set({ status, error, finished_at: at })
    .where('id', '=', id)
    .execute()
}

export async function importReport(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('directory_imports').selectAll().where('id', '=', id).executeTakeFirst()
  return (
    row && {
      id: row.id,
      kind: row.kind,
      status: row.status,
      source: row.source,
      linesRead: row.lines_read,
      imported: row.imported,
      rejected: row.rejected,
      rejections: row.rejections,
      error: row.error,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    }
  )
}
