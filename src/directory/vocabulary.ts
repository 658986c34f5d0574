import { sql } from 'kysely'
import type { Executor } from '../db/schema.ts'
import { anyOf, documentWords, prefixQuery, type QueryWord, weightedVector } from '../shared/word-search.ts'
import type { Value } from './bulk-load.ts'

/**
 * Every word of a directory, once, to choose how the GIN index reads each word of a query:
 * - a prefix of a few words (`martin`: martin, martine, martinez) as those words, which the index reads
 *   list by list, skipping through the longer lists to the rows of the rarer words: a prefix read as a
 *   prefix (`martin:*`) would first gather every row of every word it begins into a bitmap, tens of
 *   thousands on 2 million lines for `martin` or `marseille`;
 * - a prefix of many words (`fer`, the beginning of hundreds of names) as a prefix: listing them all
 *   would have the index weigh each of them on every row of the other words;
 * - a prefix of very many words, or of one or two letters, as a check on the rows the other words find.
 */
export type VocabularyTable = 'directory_person_words' | 'directory_establishment_words'

/** A prefix beginning at most this many words is read as those words. */
const FEW_WORDS = 8
/** A prefix beginning more words than this is checked on the rows the other words find. */
const MANY_WORDS = 1000

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

  /** Every word met so far. */
  vocabulary(): ReadonlySet<string> {
    return this.#vocabulary
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
  /** For the GIN index: `(martin | martinez) & fer:* & marseille`. */
  indexed: string
  /** Prefixes of very many words, checked on the rows the index found (null when none). */
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
  const { rows } = await sql<{ prefix: string; count: number; words: string[] }>`
    select prefix,
      (select count(*)::integer from (
        select 1 from ${sql.table(table)} where word >= prefix and word < prefix || '~' limit ${MANY_WORDS + 1}
      ) as begun) as count,
      array(
        select word from ${sql.table(table)}
        where word >= prefix and word < prefix || '~' order by word limit ${FEW_WORDS + 1}
      ) as words
    from (values ${sql.join(prefixes.map((prefix) => sql`(${prefix}::text collate "C")`))}) as query (prefix)`.execute(
    db,
  )
  const begun = new Map(rows.map((row) => [row.prefix, row]))
  const indexed: string[] = []
  const checked: QueryWord[] = []
  for (const forms of words) {
    const count = Math.max(...forms.map((form) => begun.get(form)!.count))
    if (count === 0) return null
    // One or two letters begin words of all kinds, each common: found by the others, then checked.
    const short = forms.every((form) => form.length <= 2)
    if (count > MANY_WORDS || (short && count > FEW_WORDS)) checked.push(forms)
    else if (count > FEW_WORDS) indexed.push(prefixQuery([forms]))
    else indexed.push(anyOf([...new Set(forms.flatMap((form) => begun.get(form)!.words))]))
  }
  if (indexed.length === 0) return { indexed: prefixQuery(checked), filter: null }
  return { indexed: indexed.join(' & '), filter: checked.length > 0 ? prefixQuery(checked) : null }
}
