import type { Value } from './bulk-load.ts'
import type { ImportProgress } from './import-job.ts'
import { holdsNul, NUL_IN_LINE } from './lines.ts'
import { chunkLines } from './rpps-chunks.ts'
import { createRppsLineParser, isRppsRejection, type RppsActivity, type RppsLineParser } from './rpps-file.ts'
import { PERSON_COLUMNS as PERSON_FIELDS } from './search.ts'
import { searchKey } from './search-key.ts'
import { WordCollector } from './vocabulary.ts'

export const PERSON_COLUMNS = [...PERSON_FIELDS, 'search_vector'] as const

export const ACTIVITY_COLUMNS = [
  ...PERSON_COLUMNS,
  'line',
  'profession_code',
  'profession_label',
  'category_code',
  'mode_code',
  'mode_label',
  'siret',
  'siren',
  'finess',
  'finess_legal',
  'structure_name',
  'address',
  'postal_code',
  'city',
  'department_code',
  'phone',
  'email',
] as const

/** What the lines of a chunk give besides their rows: their rejections in line order, how many were taken. */
export interface ChunkCounts {
  rejections: { line: number; reason: string }[]
  accepted: number
}

/** Counts a chunk's lines in the import's progress, in file order. */
export function countChunk(progress: ImportProgress, chunk: ChunkCounts): void {
  for (const { line, reason } of chunk.rejections) progress.reject(line, reason)
  progress.accept(chunk.accepted)
}

/**
 * `searchKey`, remembered: a directory names the same Martin or Marie thousands of times. Bounded, so
 * that memory stays flat whatever the file.
 */
function searchKeys(size = 100_000) {
  const known = new Map<string, string>()
  return (name: string) => {
    let key = known.get(name)
    if (key === undefined) {
      if (known.size >= size) known.clear()
      key = searchKey(name)
      known.set(name, key)
    }
    return key
  }
}

const row = (a: RppsActivity, key: (name: string) => string, vector: string): Value[] => [
  a.rpps,
  a.idType,
  a.nationalId,
  a.civilityCode,
  a.civilityLabel,
  a.practiceCivilityCode,
  a.practiceCivilityLabel,
  a.lastName,
  a.firstName,
  key(a.lastName),
  key(a.firstName),
  vector,
  a.line,
  a.professionCode,
  a.professionLabel,
  a.categoryCode,
  a.modeCode,
  a.modeLabel,
  a.siret,
  a.siren,
  a.finess,
  a.finessLegal,
  a.structureName,
  a.address,
  a.postalCode,
  a.city,
  a.departmentCode,
  a.phone,
  a.email,
]

/**
 * The rows of the extract's lines, a chunk at a time; each chunk holds whole runs of a person's lines
 * (see `rpps-chunks.ts`). The extract lists a person's activities one after the other: the first line of
 * each run carries the words of the whole run (names, every city and structure), the others none; the
 * person, derived from that line, is then searched by all of them. (Were a person's lines apart, only
 * the words of their first run would find them.)
 */
export class RppsRows {
  readonly words = new WordCollector()
  readonly #parse: RppsLineParser
  readonly #key = searchKeys()

  constructor(header: string) {
    this.#parse = createRppsLineParser(header)
  }

  /**
   * The rows of a chunk (whole runs, see `rpps-chunks.ts`) whose first line is line `firstLine` of the
   * file, handed to `take` a few at a time, as the chunk is decoded 32 KB at a time: what is made and
   * dropped at once stays in V8's young generation, which frees it almost for free.
   */
  chunk(bytes: Uint8Array, firstLine: number, take: (rows: Value[][]) => void): ChunkCounts {
    const counts: ChunkCounts = { rejections: [], accepted: 0 }
    let lineNumber = firstLine
    let run: RppsActivity[] = []
    let rows: Value[][] = []
    const endRun = () => {
      const [first] = run
      if (!first) return
      // A few texts a run: a list is quicker than a set, whose every text is hashed.
      const places: string[] = []
      for (const { city, structureName } of run) {
        if (!places.includes(city)) places.push(city)
        if (!places.includes(structureName)) places.push(structureName)
      }
      // Never empty (names of no Latin letter: the RPPS then): the persons are derived from these lines.
      const vector =
        this.words.vector([first.lastName, first.firstName], places) || this.words.vector([first.rpps], [])
      rows.push(row(first, this.#key, vector))
      for (let i = 1; i < run.length; i++) rows.push(row(run[i]!, this.#key, ''))
      run = []
    }
    for (const lines of chunkLines(bytes)) {
      for (const line of lines) {
        const number = lineNumber++
        if (line === '') continue
        const record = holdsNul(line) ? { line: number, reason: NUL_IN_LINE } : this.#parse(line, number)
        if (isRppsRejection(record)) {
          counts.rejections.push(record)
          continue
        }
        counts.accepted++
        if (run.length > 0 && record.rpps !== run[0]!.rpps) endRun()
        run.push(record)
      }
      if (rows.length > 0) take(rows)
      rows = []
    }
    endRun()
    if (rows.length > 0) take(rows)
    return counts
  }

  /**
   * The person a line is of: its RPPS, or undefined for a line that is empty or rejected (which does not
   * end a run).
   */
  personOf(line: string): string | undefined {
    if (line === '' || holdsNul(line)) return undefined
    const record = this.#parse(line, 0)
    return isRppsRejection(record) ? undefined : record.rpps
  }
}
