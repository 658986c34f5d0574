import { Type } from 'typebox'
import { badRequest } from './errors.ts'

/** Opaque cursors: the sort key of the last item seen, base64url-encoded JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined, length: number): unknown[] | undefined {
  if (cursor === undefined) return undefined
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(key) && key.length === length) return key
  } catch {}
  throw badRequest('invalid_cursor', 'The cursor is not one this API gave.', [
    { in: 'querystring', field: 'cursor', message: 'is not a valid cursor' },
  ])
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

export const Cursor = Type.String({
  maxLength: 512,
  description: 'The `nextCursor` of the previous page',
  examples: [CURSOR_EXAMPLE],
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
