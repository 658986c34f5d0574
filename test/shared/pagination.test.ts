import { describe, expect, it } from 'vitest'
import { type CursorPart, decodeCursor, decodeTimeCursor, encodeCursor } from '../../src/shared/pagination.ts'

const ID = '0b7c1d3e-5f4a-4c2b-9e8d-1a2b3c4d5e6f'
const raw = (text: string) => Buffer.from(text).toString('base64url')

describe('cursors', () => {
  it.each<[string, string, CursorPart[]]>([
    ['a time and an id', encodeCursor(['2026-11-24T09:30:00.000Z', ID]), ['date', 'uuid']],
    ['three strings', encodeCursor(['martin', 'claire', '10003456786']), ['string', 'string', 'string']],
    ['an integer', encodeCursor([42]), ['integer']],
  ])('reads back %s', (_case, cursor, parts) => {
    expect(decodeCursor(cursor, parts)).toHaveLength(parts.length)
  })

  it.each<[string, string, CursorPart[]]>([
    ['not base64 JSON', 'not-a-cursor', ['date', 'uuid']],
    ['not an array', raw('{"at":1}'), ['date', 'uuid']],
    ['too short', encodeCursor(['2026-11-24T09:30:00.000Z']), ['date', 'uuid']],
    ['a malformed date', encodeCursor(['2026-13-45Tnope', ID]), ['date', 'uuid']],
    ['a malformed id', encodeCursor(['2026-11-24T09:30:00.000Z', "x' or 1=1"]), ['date', 'uuid']],
    ['a number for a string', encodeCursor([1, 'a', 'b']), ['string', 'string', 'string']],
    ['a fraction for an integer', encodeCursor([1.5]), ['integer']],
  ])('refuses %s with a 400 problem', (_case, cursor, parts) => {
    expect(() => decodeCursor(cursor, parts)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_cursor' }),
    )
  })

  it('gives a time cursor as a date and an id', () => {
    expect(decodeTimeCursor(encodeCursor(['2026-11-24T09:30:00.000Z', ID]))).toEqual({
      at: new Date('2026-11-24T09:30:00.000Z'),
      id: ID,
    })
    expect(decodeTimeCursor(undefined)).toBeUndefined()
  })
})
