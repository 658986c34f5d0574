import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Executor } from '../db/schema.ts'

export type Value = string | number | null

/**
 * Loads rows into a table as they come: `COPY … FROM STDIN` on PostgreSQL (constant memory, the
 * fastest path), batched multi-row inserts on the embedded engine, which has no COPY from a stream.
 */
export interface BulkLoader {
  /** Loads the rows, which come in batches (a promise per batch, not per row). */
  load(table: string, columns: readonly string[], batches: AsyncIterable<Value[][]>): Promise<void>
  /**
   * Loads rows already in COPY's text form (`copyRows`), made elsewhere (in other threads); only on
   * PostgreSQL.
   */
  copy?(table: string, columns: readonly string[], text: AsyncIterable<Uint8Array | string>): Promise<void>
}

export function copyLoader(pool: pg.Pool): BulkLoader {
  const copy = async (
    table: string,
    columns: readonly string[],
    text: AsyncIterable<Uint8Array | string>,
  ) => {
    const client = await pool.connect()
    try {
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`))
      await pipeline(Readable.from(text, { objectMode: false }), stream)
    } finally {
      client.release()
    }
  }
  return { load: (table, columns, batches) => copy(table, columns, copyText(batches)), copy }
}

async function* copyText(batches: AsyncIterable<Value[][]>): AsyncGenerator<string> {
  let chunk = ''
  for await (const rows of batches) {
    chunk += copyRows(rows)
    if (chunk.length > 1 << 16) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** Rows in COPY's text form: tab-separated fields, one row a line. */
export function copyRows(rows: readonly Value[][]): string {
  let text = ''
  for (const row of rows) text += `${row.map(copyField).join('\t')}\n`
  return text
}

const SPECIAL = /[\\\t\n\r]/
const copyField = (value: Value) => {
  if (value === null) return '\\N'
  const text = String(value)
  return SPECIAL.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text
}

export function insertLoader(db: Executor, batchSize = 500): BulkLoader {
  return {
    async load(table, columns, batches) {
      let batch: Value[][] = []
      const flush = async () => {
        if (batch.length === 0) return
        const values = sql.join(batch.map((row) => sql`(${sql.join(row)})`))
        await sql`insert into ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))}) values ${values}`.execute(
          db,
        )
        batch = []
      }
      for await (const rows of batches) {
        for (const row of rows) {
          batch.push(row)
          if (batch.length >= batchSize) await flush()
        }
      }
      await flush()
    },
  }
}
