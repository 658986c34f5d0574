import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { Line } from './text.ts'

/**
 * Word search, as people type: every word of the query is the beginning of some word of the searched
 * text, in any order; case, accents, apostrophes and hyphens aside.
 *
 * The searched text is stored as a `tsvector` of folded words (lowercase ASCII letters and digits) under
 * a GIN index, and a query is a `tsquery` of prefixes (`'chateau':* & 'ajaccio':*`) read off that index.
 * Two ways to write the words:
 * - in JavaScript, with `documentWords` and `weightedVector` (the directory imports, which also keep
 *   the vocabulary that `directory/vocabulary.ts` expands prefixes with on large tables);
 * - in SQL, with the `search_words(text)` function of the migrations, the same folding for the Latin
 *   letters (`test/shared/word-search.test.ts` holds them to it), for tables written in many places,
 *   searched through an expression index (accounts, structures):
 *
 *     create index things_words on things using gin (search_words(name || ' ' || coalesce(city, '')));
 *     … where search_words(name || ' ' || coalesce(city, '')) @@ to_tsquery('simple', $1)
 *
 *   with `$1` from `prefixQuery(queryWords(q))`, or `matchesWords(expression, words)` below.
 */

const APOSTROPHES = /['’ʼ`´]/g
const HAS_APOSTROPHE = /['’ʼ`´]/
// Letters that canonical decomposition leaves whole.
const LETTERS: Record<string, string> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ħ: 'h',
  ŧ: 't',
  ı: 'i',
  þ: 'th',
  ŀ: 'l',
}
const SPECIAL_LETTERS = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'g')

/** Lowercase, without accents or ligatures: `Œuvre Hélène` → `oeuvre helene`. Other characters stay. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(SPECIAL_LETTERS, (letter) => LETTERS[letter]!)
}

const wordsOf = (folded: string) => folded.split(/[^a-z0-9]+/).filter((word) => word !== '')

/**
 * The words a text is found by. A word with an apostrophe is there both whole and in its parts:
 * `N'Diaye` is found by `ndiaye`, `n'diaye` and `diaye`; `L'HÔPITAL` by `hopital`.
 */
export function documentWords(text: string): string[] {
  const folded = foldText(text)
  const words = wordsOf(folded.replace(APOSTROPHES, ''))
  if (HAS_APOSTROPHE.test(folded)) words.push(...wordsOf(folded.replace(APOSTROPHES, ' ')))
  return [...new Set(words)]
}

/** A word of a query: what it may begin, one form or several (`diaye` or `ndiaye` for `n'diaye`). */
export type QueryWord = readonly string[]

/**
 * The words of a query, each the beginning of a word to find. A word after an elided article or
 * particle is looked for alone and joined (`l'hôpital`: `hopital` or `lhopital`; `n'diaye`: `diaye`
 * or `ndiaye`); hyphens and other signs separate words.
 */
export function queryWords(query: string): QueryWord[] {
  const words = new Map<string, QueryWord>()
  for (const part of foldText(query).split(/[^a-z0-9'’ʼ`´]+/)) {
    const joined = part.replace(APOSTROPHES, '')
    if (joined === '') continue
    const elided = /^[a-z]['’ʼ`´]+([a-z0-9]+)$/.exec(part)
    const forms = elided ? [elided[1]!, joined] : [joined]
    words.set(forms.join('|'), forms)
  }
  return [...words.values()]
}

/**
 * A `tsvector` in its text form, for COPY or an insert: the words of `main` with weight A (what ranks
 * first), the words of `other` with the default weight. Words are `[a-z0-9]+`: nothing to quote.
 */
export function weightedVector(main: readonly string[], other: readonly string[]): string {
  const parts: string[] = []
  for (const word of main) parts.push(`${word}:1A`)
  for (const word of other) parts.push(`${word}:2`)
  return parts.join(' ')
}

/** `w1:* & (w2:* | xw2:*)`; with a weight, each word must begin a word of that weight (`w1:*A`). */
export function prefixQuery(words: readonly QueryWord[], weight = ''): string {
  return words.map((forms) => anyOf(forms.map((form) => `${form}:*${weight}`))).join(' & ')
}

/** `a`, or `(a | b)`. */
export const anyOf = (terms: readonly string[]) => (terms.length === 1 ? terms[0]! : `(${terms.join(' | ')})`)

/** `vector @@ prefixQuery(words)`: every word begins a word of `vector`, read off its GIN index. */
export function matchesWords(vector: Expression<unknown> | RawBuilder<unknown>, words: readonly QueryWord[]) {
  return sql<SqlBool>`${vector} @@ to_tsquery('simple', ${prefixQuery(words)})`
}

/** A free-text query: words of any kind, no control characters. */
export const SearchText = (example: string) =>
  Line(100, example, {
    description: 'Words, each the beginning of a word to find, in any order; case and accents aside',
  })
