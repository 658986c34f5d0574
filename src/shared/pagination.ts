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
const partIsValid: Record<CursorPart, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  date: (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)),
  uuid: (value) => typeof value === 'string' && UUID.test(value),
  integer: (value) => Number.isSafeInteger(value),
}

/** The sort key a cursor carries, each part checked against `parts`; a 400 problem otherwise. */
export function decodeCursor(
  cursor: string | undefined,
  parts: readonly CursorPart[],
): unknown[] | undefined {
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
    return key
  throw badRequest('invalid_cursor', 'The cursor is not one this API gave.', [
    { in: 'querystring', field: 'cursor', message: 'is not a valid cursor' },
  ])
}

/** A (time, uuid) cursor, the key of the lists newest first. */
export function decodeTimeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const key = decodeCursor(cursor, ['date', 'uuid']) as [string, string] | undefined
  return key && { at: new Date(key[0]), id: key[1] }
}

export const Limit = (max = 100, fallback = 20) =>
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
