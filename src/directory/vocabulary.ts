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
 * - a prefix of very many words, or of one or two letters, as a check on the rows the other words find;
 * - a word in many times more rows than the rarest word of the query (`marseille` beside `martin`), as
 *   a check on the rows of the rarer words: reading them and checking costs less than the index gathering
 *   every row of the common word to keep the few it shares with the rare one. Each word's rows are
 *   counted by the import.
 */
export type VocabularyTable = 'directory_person_words' | 'directory_establishment_words'

/** A prefix beginning at most this many words is read as those words. */
const FEW_WORDS = 8
/** A prefix beginning more words than this is checked on the rows the other words find. */
const MANY_WORDS = 1000
/**
 * How many of a word's rows the index gathers for the cost of reading and checking one row it found
 * (a row of the table, read apart from the others): a word in more rows than this times the rows found
 * is checked on them.
 */
const ROWS_PER_CHECKED_ROW = 30
/** The table each vocabulary is of, whose size (as last analysed) tells how much each word narrows. */
const SEARCHED: Record<VocabularyTable, string> = {
  directory_person_words: 'directory_persons',
  directory_establishment_words: 'directory_establishments',
}

/** Every word of a directory, with how many rows hold it. */
export type Vocabulary = Map<string, number>

/** Adds the words of `from`, and their rows, to `into`: the vocabularies of parts of one file. */
export function addVocabulary(into: Vocabulary, from: Iterable<readonly [string, number]>): void {
  for (const [word, rows] of from) into.set(word, (into.get(word) ?? 0) + rows)
}

/** A text's words, folded once, their part of a tsvector's text form, and the rows it is in so far. */
interface VectorPart {
  part: string
  words: readonly string[]
  rows: number
}

/**
 * How an import writes the words of its texts: each distinct text folded once (a directory names the
 * same cities and people thousands of times; bounded, so that memory stays flat), every word kept with
 * about the number of rows it is in, which tells a query how much each of its words weighs. A row
 * counts once per text that names the word (the texts of a row are distinct; a word two of them share
 * counts twice): the count is added up per text, not per word of every row.
 */
export class WordCollector {
  readonly #vocabulary: Vocabulary = new Map()
  readonly #main = new Map<string, VectorPart>()
  readonly #other = new Map<string, VectorPart>()
  readonly #size: number

  constructor(size = 50_000) {
    this.#size = size
  }

  #vectorPart(text: string, main: boolean): VectorPart {
    const known = main ? this.#main : this.#other
    let found = known.get(text)
    if (found === undefined) {
      if (known.size >= this.#size) this.#forget(known)
      const words = documentWords(text)
      found = { part: main ? weightedVector(words, []) : weightedVector([], words), words, rows: 0 }
      known.set(text, found)
    }
    found.rows++
    return found
  }

  /** Empties a cache of texts, their rows added to their words'. */
  #forget(known: Map<string, VectorPart>) {
    for (const { words, rows } of known.values())
      addVocabulary(
        this.#vocabulary,
        words.map((word) => [word, rows]),
      )
    known.clear()
  }

  /** A row's tsvector in its text form: the main texts' words with weight A, the others' with the default weight. */
  vector(main: readonly string[], other: readonly string[]): string {
    let vector = ''
    for (const text of main) vector = joined(vector, this.#vectorPart(text, true).part)
    for (const text of other) vector = joined(vector, this.#vectorPart(text, false).part)
    return vector
  }

  /** Every word met so far, with the rows it is in. */
  vocabulary(): ReadonlyMap<string, number> {
    this.#forget(this.#main)
    this.#forget(this.#other)
    return this.#vocabulary
  }

  /** The vocabulary as rows for the bulk loader (`word`, `rows`), in batches. */
  rows(batchSize = 5000): AsyncGenerator<Value[][]> {
    return vocabularyRows(this.vocabulary(), batchSize)
  }
}

/** A vocabulary as rows for the bulk loader (`word`, `rows`), in batches. */
export async function* vocabularyRows(
  vocabulary: ReadonlyMap<string, number>,
  batchSize = 5000,
): AsyncGenerator<Value[][]> {
  let batch: Value[][] = []
  for (const [word, rows] of vocabulary) {
    batch.push([word, rows])
    if (batch.length >= batchSize) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
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
  const { rows } = await sql<{ prefix: string; count: number; rows: number; total: number; words: string[] }>`
    select prefix, begun.count, begun.rows,
      (select reltuples::float8 from pg_class where oid = ${SEARCHED[table]}::regclass) as total,
      array(
        select word from ${sql.table(table)}
        where word >= prefix and word < prefix || '~' order by word limit ${FEW_WORDS + 1}
      ) as words
    from (values ${sql.join(prefixes.map((prefix) => sql`(${prefix}::text collate "C")`))}) as query (prefix),
      lateral (select count(*)::integer as count, coalesce(sum(rows), 0)::float8 as rows from (
        select rows from ${sql.table(table)} where word >= prefix and word < prefix || '~' limit ${MANY_WORDS + 1}
      ) as w) as begun`.execute(db)
  const begun = new Map(rows.map((row) => [row.prefix, row]))
  const indexed: { forms: QueryWord; term: string; rows: number }[] = []
  const checked: QueryWord[] = []
  for (const forms of words) {
    const count = Math.max(...forms.map((form) => begun.get(form)!.count))
    if (count === 0) return null
    const rows = forms.reduce((sum, form) => sum + begun.get(form)!.rows, 0)
    // One or two letters begin words of all kinds, each common: found by the others, then checked.
    const short = forms.every((form) => form.length <= 2)
    if (count > MANY_WORDS || (short && count > FEW_WORDS)) checked.push(forms)
    else if (count > FEW_WORDS) indexed.push({ forms, term: prefixQuery([forms]), rows })
    else
      indexed.push({
        forms,
        term: anyOf([...new Set(forms.flatMap((form) => begun.get(form)!.words))]),
        rows,
      })
  }
  checked.push(...checkedOnRarer(indexed, rows[0]?.total ?? 0))
  const read = indexed.filter((word) => !checked.includes(word.forms))
  if (read.length === 0) return { indexed: prefixQuery(checked), filter: null }
  return {
    indexed: read.map((word) => word.term).join(' & '),
    filter: checked.length > 0 ? prefixQuery(checked) : null,
  }
}

/**
 * The words better checked on the rows the rarer ones find than read off the index: rarest first, each
 * word narrows the rows the index finds (as the planner would guess, words apart); a word in many times
 * more rows than that (`marseille` beside `farmoay`) is checked on them, since reading and checking a
 * few rows costs less than the index gathering every row of the common word. None while the words' rows
 * or the table's are not known (a vocabulary imported before they were counted, a table never analysed).
 */
function checkedOnRarer(words: readonly { forms: QueryWord; rows: number }[], total: number): QueryWord[] {
  if (words.length < 2 || total <= 0 || words.some((word) => word.rows === 0)) return []
  const [rarest, ...others] = [...words].sort((a, b) => a.rows - b.rows)
  let found = rarest!.rows
  const checked: QueryWord[] = []
  for (const word of others) {
    if (word.rows > ROWS_PER_CHECKED_ROW * found) checked.push(word.forms)
    else found = (found * word.rows) / total
  }
  return checked
}
