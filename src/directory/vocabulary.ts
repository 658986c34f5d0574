import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'
import { anyOf, documentWords, prefixQuery, type QueryWord, weightedVector } from '../shared/word-search.ts'
import type { Value } from './bulk-load.ts'

/**
 * Every word of a directory, once. A prefix gathered from a GIN index (`mar:*`) reads every row of
 * every word it begins into a bitmap before the other words of the query are looked at: on 2 million
 * lines, tens of thousands of rows for `martin` or `marseille`. Expanded first into the words it
 * begins (`martin | martinez`), the query is read word by word instead, the index skipping through
 * the longer lists to the rows of the rarer words.
 */
export type VocabularyTable = 'directory_person_words' | 'directory_establishment_words'

/** A prefix beginning more words than this is left to the index as a prefix. */
const MOST_WORDS_PER_PREFIX = 200

/**
 * How an import writes the words of its texts: each distinct text folded once (a directory names the
 * same cities and people thousands of times; bounded, so that memory stays flat), every word kept.
 */
export class WordCollector {
  readonly #vocabulary = new Set<string>()
  readonly #main = new Map<string, string>()
  readonly #other = new Map<string, string>()
  readonly #size: number

  constructor(size = 50_000) {
    this.#size = size
  }

  /** The words of `text` in a tsvector's text form: with the weight of what ranks first, or not. */
  vectorPart(text: string, main: boolean): string {
    const known = main ? this.#main : this.#other
    let part = known.get(text)
    if (part === undefined) {
      if (known.size >= this.#size) known.clear()
      const words = documentWords(text)
      for (const word of words) this.#vocabulary.add(word)
      part = main ? weightedVector(words, []) : weightedVector([], words)
      known.set(text, part)
    }
    return part
  }

  /** A tsvector's text form: the main texts' words with weight A, the others' with the default weight. */
  vector(main: readonly string[], other: readonly string[]): string {
    let vector = ''
    for (const text of main) vector = joined(vector, this.vectorPart(text, true))
    for (const text of other) vector = joined(vector, this.vectorPart(text, false))
    return vector
  }

  /** The vocabulary as rows for the bulk loader, in batches. */
  async *rows(batchSize = 5000): AsyncGenerator<Value[][]> {
    let batch: Value[][] = []
    for (const word of this.#vocabulary) {
      batch.push([word])
      if (batch.length >= batchSize) {
        yield batch
        batch = []
      }
    }
    if (batch.length > 0) yield batch
  }
}

const joined = (left: string, right: string) =>
  left === '' ? right : right === '' ? left : `${left} ${right}`

export interface WordQuery {
  /** For the GIN index: `(martin | martinez) & marseille`. */
  indexed: string
  /** Prefixes too common to expand, checked on the rows the index found (null when none). */
  filter: string | null
}

/**
 * The tsqueries of a search's words (see above), or null when a word begins no word of the directory:
 * nothing can match.
 */
export async function wordQuery(
  db: Executor,
  table: VocabularyTable,
  words: readonly QueryWord[],
): Promise<WordQuery | null> {
  const prefixes = [...new Set(words.flat())]
  // Words are [a-z0-9]+ and compare byte by byte: those beginning with `w` are in [w, w || '~').
  const { rows } = await sql<{ prefix: string; words: string[] }>`
    select prefix, array(
      select word from ${sql.table(table)}
      where word >= prefix and word < prefix || '~' order by word limit ${MOST_WORDS_PER_PREFIX + 1}
    ) as words
    from (values ${sql.join(prefixes.map((prefix) => sql`(${prefix}::text collate "C")`))}) as query (prefix)`.execute(
    db,
  )
  const begun = new Map(rows.map((row) => [row.prefix, row.words]))
  const expanded: string[] = []
  const common: QueryWord[] = []
  for (const forms of words) {
    const found = [...new Set(forms.flatMap((form) => begun.get(form) ?? []))]
    if (found.length === 0) return null
    if (forms.some((form) => begun.get(form)!.length > MOST_WORDS_PER_PREFIX)) common.push(forms)
    else expanded.push(anyOf(found))
  }
  if (expanded.length === 0) return { indexed: prefixQuery(common), filter: null }
  return { indexed: expanded.join(' & '), filter: common.length > 0 ? prefixQuery(common) : null }
}
