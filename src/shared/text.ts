import { Type } from 'typebox'

/**
 * The strings a request may carry. Control characters (C0, DEL, C1: Unicode's `Cc`) are refused at the
 * schema, once for every route: a NUL never reaches PostgreSQL, and no name or comment can carry
 * escape sequences or forged lines into a log, an email or a support screen. Multi-line text keeps
 * line feeds and tabs (and CRLF), never a lone carriage return or any other control.
 *
 * Every request string of the API is one of these, or has a pattern or format that refuses controls
 * on its own (digits, codes, UUIDs, emails): `test/foundation/request-strings.test.ts` walks the
 * OpenAPI document and fails on any request string that would accept one.
 */
export const LINE_PATTERN = '^\\P{Cc}*$'
export const LINES_PATTERN = '^(?:\\P{Cc}|[\\t\\n]|\\r\\n)*$'
/** The same, with at least one character that is not a space. */
const NON_BLANK = '(?=[\\s\\S]*\\S)'

export interface TextOptions {
  /** 1 unless told. */
  minLength?: number
  description?: string
  /** At least one character that is not a space. */
  nonBlank?: boolean
}

const text =
  (pattern: string) =>
  (maxLength: number, example: string | string[], options: TextOptions = {}) => {
    const { nonBlank, ...rest } = options
    return Type.String({
      minLength: 1,
      ...rest,
      maxLength,
      pattern: nonBlank ? `^${NON_BLANK}${pattern.slice(1)}` : pattern,
      examples: [example].flat(),
    })
  }

/** Single-line text (names, codes as typed, search terms, tokens): no control character at all. */
export const Line = text(LINE_PATTERN)

/** Multi-line text (comments, reasons): line feeds and tabs, but no other control character. */
export const Lines = text(LINES_PATTERN)

/** What a validation error says of a text pattern, instead of the pattern itself. */
export function textPatternMessage(pattern: string): string | undefined {
  const start = pattern.includes(NON_BLANK) ? 'must not be blank nor' : 'must not'
  if (pattern.endsWith(LINE_PATTERN.slice(1))) return `${start} contain control characters`
  if (pattern.endsWith(LINES_PATTERN.slice(1)))
    return `${start} contain control characters other than line feeds and tabs`
  return undefined
}
