import type { Locale } from './templates.ts'

/**
 * What people typed (names, reasons, comments) goes into emails as quoted data, never as the service's
 * own words: inline between quotation marks and on one line whatever it holds, or as a block whose
 * every line is marked `> `. So a reason cannot forge a line that reads like a code, a link or a
 * signature from Sésame. Request schemas already refuse control characters; this holds for older rows
 * and for text from lab systems and directory files as well.
 */

// Control characters and the Unicode line and paragraph separators.
const BREAKS = /[\p{Cc}\u2028\u2029]+/gu
const LINES = /\r\n|[\n\r\u0085\u2028\u2029]/u

/** One line of typed text, its breaks and controls turned to spaces. */
export const oneLine = (text: string): string => text.replace(BREAKS, ' ').trim()

/** Typed text inline, between quotation marks. */
export const quoted = (text: string, locale: Locale): string =>
  locale === 'fr' ? `« ${oneLine(text)} »` : `“${oneLine(text)}”`

/** Typed text as a block of its own: every line starts with `> `. */
export const quotedBlock = (text: string): string =>
  text
    .split(LINES)
    .map((line) => `> ${line.replace(BREAKS, ' ')}`.trimEnd())
    .join('\n')
