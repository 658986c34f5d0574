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

/**
 * Rows in COPY's text form, as UTF-8 bytes in memory of their own (to hand over to another thread),
 * added a few at a time: short strings stay in V8's young generation.
 */
export class CopyBytes {
  readonly #encoder = new TextEncoder()
  #bytes = new Uint8Array(1 << 18)
  #length = 0

  add(rows: readonly Value[][]): void {
    const text = copyRows(rows)
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const needed = this.#length + text.length * 3
    if (needed > this.#bytes.length) {
      const larger = new Uint8Array(Math.max(this.#bytes.length * 2, needed))
      larger.set(this.#bytes.subarray(0, this.#length))
      this.#bytes = larger
    }
    this.#length += this.#encoder.encodeInto(text, this.#bytes.subarray(this.#length)).written
  }

  /** The bytes so far; the next rows go to new memory. */
  take(): Uint8Array {
    const bytes = this.#bytes.subarray(0, this.#length)
    this.#bytes = new Uint8Array(Math.max(1 << 16, this.#length + (this.#length >> 2)))
    this.#length = 0
    return bytes
  }
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
