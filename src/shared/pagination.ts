import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { Type } from 'typebox'
import { badRequest } from './errors.ts'
import { Line } from './text.ts'

/** Opaque cursors: the sort key of the last item seen, base64url-encoded JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** What a cursor's parts must be, so that a tampered cursor is a 400, never a database error. */
export type CursorPart = 'string' | 'date' | 'uuid' | 'integer'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** What each part of a decoded cursor is: dates stay ISO strings. */
type PartType<P extends CursorPart> = P extends 'integer' ? number : string
export type CursorKey<Parts extends readonly CursorPart[]> = {
  -readonly [I in keyof Parts]: PartType<Parts[I]>
}

const partIsValid: Record<CursorPart, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  date: (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)),
  uuid: (value) => typeof value === 'string' && UUID.test(value),
  integer: (value) => Number.isSafeInteger(value),
}

/** The sort key a cursor carries, each part checked against `parts`; a 400 problem otherwise. */
export function decodeCursor<const Parts extends readonly CursorPart[]>(
  cursor: string | undefined,
  parts: Parts,
): CursorKey<Parts> | undefined {
  if (cursor === undefined) return undefined
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {}
  if (
    Array.isArray(key) &&
    key.length === parts.length &&
    parts.every((part, i) => partIsValid[part](key[i]))
  )
    return key as CursorKey<Parts>
  throw badRequest('invalid_cursor', 'The cursor is not one this API gave.', [
    { in: 'querystring', field: 'cursor', message: 'is not a valid cursor' },
  ])
}

/** A (time, uuid) cursor, the key of the lists newest first. */
export function decodeTimeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const key = decodeCursor(cursor, ['date', 'uuid'])
  return key && { at: new Date(key[0]), id: key[1] }
}

/** A column of a sort key, by name, or an expression the list is sorted by. */
export type KeyColumn = string | Expression<unknown>

/**
 * The keyset condition of every paged list: the rows after the cursor's key in the list's order, as one
 * row comparison, `(c1, c2, …) > (v1, v2, …)` (`<` for a list in descending order). Every column of the
 * key must sort in that one direction; a value may be an expression (a cast) as well as a parameter.
 */
export function afterKey(
  columns: readonly KeyColumn[],
  key: readonly unknown[],
  order: 'asc' | 'desc' = 'asc',
): RawBuilder<SqlBool> {
  const column = (part: KeyColumn) => (typeof part === 'string' ? sql.ref(part) : part)
  return sql<SqlBool>`(${sql.join(columns.map(column))}) ${sql.raw(order === 'asc' ? '>' : '<')} (${sql.join(key)})`
}

/** The largest page a list gives. */
export const MAX_LIMIT = 100

export const Limit = (max = MAX_LIMIT, fallback = 20) =>
  Type.Integer({
    minimum: 1,
    maximum: max,
    default: fallback,
    description: `Page size (at most ${max})`,
    examples: [fallback],
  })

/** An opaque cursor as this API gives them, for the examples of the document. */
export const CURSOR_EXAMPLE =
  'WyIyMDI2LTExLTI0VDA5OjMwOjAwLjAwMFoiLCIwYjdjMWQzZS01ZjRhLTRjMmItOWU4ZC0xYTJiM2M0ZDVlNmYiXQ'

export const Cursor = Line(512, CURSOR_EXAMPLE, {
  minLength: 0,
  description: 'The `nextCursor` of the previous page',
})

/** The `nextCursor` of a page. */
export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Null on the last page',
  examples: [CURSOR_EXAMPLE, null],
})

export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: NextCursor,
  })

/** Takes one more row than the page to know whether another page follows. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null }
}
