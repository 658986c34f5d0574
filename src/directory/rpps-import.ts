import { type Kysely, sql } from 'kysely'
import { isUniqueViolation } from '../db/errors.ts'
import type { DB } from '../db/schema.ts'
import type { Value } from './bulk-load.ts'
import type { DirectorySpec, ImportProgress } from './import-job.ts'
import { isRppsRejection, type RppsActivity, readRppsBatches } from './rpps-file.ts'
import { PERSON_COLUMNS as PERSON_FIELDS } from './search.ts'
import { searchKey } from './search-key.ts'
import { WordCollector } from './vocabulary.ts'

const PERSON_COLUMNS = [...PERSON_FIELDS, 'search_vector'] as const

const ACTIVITY_COLUMNS = [
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
 * The rows of the lines, as they come. The extract lists a person's activities one after the other:
 * the first line of each run carries the words of the whole run (names, every city and structure), the
 * others none; the person, derived from that line, is then searched by all of them. (Were a person's
 * lines apart, only the words of their first run would find them.)
 */
async function* rows(
  input: NodeJS.ReadableStream,
  progress: ImportProgress,
  words: WordCollector,
): AsyncGenerator<Value[][]> {
  const key = searchKeys()
  let run: RppsActivity[] = []
  let batch: Value[][] = []
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
    const vector = words.vector([first.lastName, first.firstName], places) || words.vector([first.rpps], [])
    batch.push(row(first, key, vector))
    for (let i = 1; i < run.length; i++) batch.push(row(run[i]!, key, ''))
    run = []
  }
  for await (const records of readRppsBatches(input)) {
    for (const record of records) {
      if (isRppsRejection(record)) {
        progress.reject(record.line, record.reason)
        continue
      }
      progress.accept()
      if (run.length > 0 && record.rpps !== run[0]!.rpps) endRun()
      run.push(record)
    }
    yield batch
    batch = []
  }
  endRun()
  yield batch
}

/** The RPPS extract: one row per line into `directory_activities`, persons derived from it. */
export const rppsSpec: DirectorySpec = {
  async prepare(db) {
    await this.discard(db)
    await sql`create table directory_activities_next (like directory_activities including defaults)`.execute(
      db,
    )
    await sql`create table directory_person_words_next (like directory_person_words)`.execute(db)
  },

  async load(input, loader, progress) {
    const words = new WordCollector()
    await loader.load('directory_activities_next', ACTIVITY_COLUMNS, rows(input, progress, words))
    await loader.load('directory_person_words_next', ['word'], words.rows())
  },

  async finish(db: Kysely<DB>) {
    const columns = sql.raw(PERSON_COLUMNS.join(', '))
    const run = (statement: string) => sql.raw(statement).execute(db)
    // Two streams of work at once on PostgreSQL (one after the other on the embedded engine): the
    // activities' index beside the persons' derivation, then the persons' indexes all at once.
    const activities = async () => {
      await run('create index directory_activities_next_rpps on directory_activities_next (rpps)')
      await run('analyze directory_activities_next')
      await run(
        'alter table directory_person_words_next add constraint directory_person_words_next_pkey primary key (word)',
      )
      await run('analyze directory_person_words_next')
    }
    // Persons come from the first line of each run of their lines (the lines with words), written in the
    // order of their names, so that a name's persons sit together on disk and a search reads few pages.
    // (Created from its query, the table is written in bulk, faster than by an insert; the columns keep
    // their types.) The extract lists a person's lines together, one run each; were a person's lines
    // apart, the unique index refuses the table, derived again from each person's first line.
    const derivePersons = (runsApart: boolean) =>
      sql`
      create table directory_persons_next as
      select ${runsApart ? sql`distinct on (rpps)` : sql``} ${columns} from directory_activities_next
      where search_vector <> ''
      order by ${runsApart ? sql`rpps, line` : sql`search_last_name, search_first_name, rpps`}`.execute(db)
    const indexPersons = async () => {
      await run(
        `alter table directory_persons_next ${PERSON_COLUMNS.map((column) => `alter column ${column} set not null`).join(', ')}`,
      )
      await all([
        () => run('create unique index directory_persons_next_pkey on directory_persons_next (rpps)'),
        () =>
          run(
            'create index directory_persons_next_search on directory_persons_next (search_last_name, search_first_name, rpps)',
          ),
        () =>
          run('create index directory_persons_next_first_name on directory_persons_next (search_first_name)'),
        () =>
          run(
            'create index directory_persons_next_words on directory_persons_next using gin (search_vector)',
          ),
      ])
    }
    const persons = async () => {
      await derivePersons(false)
      try {
        await indexPersons()
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
        await run('drop table directory_persons_next')
        await derivePersons(true)
        await indexPersons()
      }
      await run(
        'alter table directory_persons_next add constraint directory_persons_next_pkey primary key using index directory_persons_next_pkey',
      )
      await run('analyze directory_persons_next')
    }
    await all([activities, persons])
  },

  async swap(db) {
    for (const statement of [
      'drop table directory_activities',
      'drop table directory_persons',
      'drop table directory_person_words',
      'alter table directory_activities_next rename to directory_activities',
      'alter table directory_persons_next rename to directory_persons',
      'alter table directory_person_words_next rename to directory_person_words',
      'alter index directory_person_words_next_pkey rename to directory_person_words_pkey',
      'alter index directory_persons_next_words rename to directory_persons_words',
      'alter index directory_persons_next_pkey rename to directory_persons_pkey',
      'alter index directory_persons_next_search rename to directory_persons_search',
      'alter index directory_persons_next_first_name rename to directory_persons_first_name',
      'alter index directory_activities_next_rpps rename to directory_activities_rpps',
    ]) {
      await sql.raw(statement).execute(db)
    }
  },

  async discard(db) {
    await sql`drop table if exists directory_activities_next, directory_persons_next, directory_person_words_next`.execute(
      db,
    )
  },
}

/** Runs the steps at once and waits for all of them, even when one fails; then fails with the first error. */
async function all(steps: (() => Promise<unknown>)[]) {
  const outcomes = await Promise.allSettled(steps.map((step) => step()))
  const failed = outcomes.find((outcome) => outcome.status === 'rejected')
  if (failed) throw failed.reason
}
