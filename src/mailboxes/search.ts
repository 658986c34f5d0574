import { sql } from 'kysely'

/**
 * How the mailbox directory finds boxes: every word typed is the beginning of a word of the box (its
 * names, service, description, city, postal code, address), in any order, case and accents aside.
 * The words are folded here and kept in a `tsvector` under a GIN index; a query is a `tsquery` of
 * prefixes (`'pharm':* & 'albi':*`).
 */
const APOSTROPHES = /['’ʼ`´]/g

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')

const wordsOf = (folded: string) => folded.split(/[^a-z0-9]+/).filter((word) => word !== '')

/** The words a text is found by; one with an apostrophe both whole and in parts (`l'étoile`: `letoile`, `l`, `etoile`). */
export function documentWords(texts: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>()
  for (const text of texts) {
    if (!text) continue
    const folded = fold(text)
    for (const word of wordsOf(folded.replace(APOSTROPHES, ''))) words.add(word)
    for (const word of wordsOf(folded.replace(APOSTROPHES, ' '))) words.add(word)
  }
  return [...words]
}

/** The `tsvector` of these texts, for an insert or an update: words without positions, which prefixes need not. */
export const searchVector = (texts: readonly (string | null | undefined)[]) =>
  sql<string>`strip(to_tsvector('simple', ${documentWords(texts).join(' ')}))`

/** The words of a query, each the beginning of a word to find; none when it holds no letter nor digit. */
export const queryWords = (query: string) => [...new Set(wordsOf(fold(query).replace(APOSTROPHES, '')))]

/** `w1:* & w2:*`: the `tsquery` of the words. */
export const prefixQuery = (words: readonly string[]) => words.map((word) => `${word}:*`).join(' & ')

/** How names sort in the directory: folded, single spaces. */
export const sortName = (name: string) => wordsOf(fold(name)).join(' ')
