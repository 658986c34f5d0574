import { type Kysely, sql } from 'kysely'
import { isUniqueViolation } from '../db/errors.ts'
import type { DB } from '../db/schema.ts'
import type { Value } from './bulk-load.ts'
import type { DirectorySpec, ImportProgress } from './import-job.ts'
import { readRppsChunks } from './rpps-chunks.ts'
import { parseChunks } from './rpps-parse.ts'
import { ACTIVITY_COLUMNS, countChunk, PERSON_COLUMNS, RppsRows } from './rpps-rows.ts'
import { addVocabulary, type Vocabulary, vocabularyRows } from './vocabulary.ts'

/**
 * The rows of the extract, chunk by chunk, for the embedded engine's loader (on PostgreSQL, COPY takes
 * them in its text form, see `copyText`).
 */
async function* rows(
  input: NodeJS.ReadableStream,
  progress: ImportProgress,
  words: Vocabulary,
): AsyncGenerator<Value[][]> {
  let persons: RppsRows | undefined
  for await (const chunk of readRppsChunks(input)) {
    persons ??= new RppsRows(chunk.header)
    const rows: Value[][] = []
    countChunk(
      progress,
      persons.chunk(chunk.bytes, chunk.firstLine, (some) => rows.push(...some)),
    )
    yield rows
  }
  addVocabulary(words, persons?.words.vocabulary() ?? [])
}

/** The same rows in COPY's text form, parsed while COPY takes them (in other threads on more than two cores). */
async function* copyText(
  input: NodeJS.ReadableStream,
  progress: ImportProgress,
  words: Vocabulary,
): AsyncGenerator<Uint8Array> {
  for await (const parsed of parseChunks(readRppsChunks(input), words)) {
    countChunk(progress, parsed)
    yield parsed.copy
  }
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
    const words: Vocabulary = new Map()
    if (loader.copy)
      await loader.copy('directory_activities_next', ACTIVITY_COLUMNS, copyText(input, progress, words))
    else await loader.load('directory_activities_next', ACTIVITY_COLUMNS, rows(input, progress, words))
    await loader.load('directory_person_words_next', ['word', 'rows'], vocabularyRows(words))
  },

  async finish(db: Kysely<DB>) {
    const columns = sql.raw(PERSON_COLUMNS.join(', '))
    const run = (statement: string) => sql.raw(statement).execute(db)
    // Sorts and the words' index in memory rather than in temporary files, for this statement only.
    const build = (statement: string) =>
      db.transaction().execute(async (trx) => {
        await sql`set local maintenance_work_mem = '256MB'`.execute(trx)
        await sql.raw(statement).execute(trx)
      })
    // Two streams of work at once on PostgreSQL (one after the other on the embedded engine): the
    // activities' index beside the persons' derivation, then the persons' indexes all at once.
    const activities = async () => {
      await build('create index directory_activities_next_rpps on directory_activities_next (rpps)')
      // Searches read activities by RPPS, in line order: the statistics that plan them (the others
      // come with autovacuum's next analyze).
      await run('analyze directory_activities_next (rpps, line)')
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
        () => build('create unique index directory_persons_next_pkey on directory_persons_next (rpps)'),
        () =>
          build(
            'create index directory_persons_next_search on directory_persons_next (search_last_name, search_first_name, rpps)',
          ),
        () =>
          build(
            'create index directory_persons_next_first_name on directory_persons_next (search_first_name)',
          ),
        () =>
          build(
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
