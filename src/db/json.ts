import { type RawBuilder, sql } from 'kysely'

/**
 * SQL: a timestamp as JavaScript's `toISOString()` writes it (UTC, milliseconds, `Z`), for JSON built by
 * PostgreSQL that the API answers as is.
 */
export const isoTime = (column: RawBuilder<unknown>) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** SQL: the JSON array of a subquery's `json_agg`, or `[]` when it found no row. */
export const jsonList = (aggregate: RawBuilder<unknown>) =>
  sql<unknown[]>`coalesce((${aggregate}), '[]'::json)`
