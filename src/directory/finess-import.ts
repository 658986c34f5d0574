import { sql } from 'kysely'
import type { Value } from './bulk-load.ts'
import { ESTABLISHMENT_COLUMNS } from './establishments.ts'
import { readFinessFile } from './finess-file.ts'
import type { DirectorySpec, ImportProgress } from './import-job.ts'
import { toWgs84 } from './positions.ts'
import { searchKey } from './search-key.ts'
import { WordCollector } from './vocabulary.ts'

// Establishments and their geolocation come on separate lines of the file: both go to one staging
// table as they come, and are joined on FINESS in SQL, so memory stays flat.
const STAGING_COLUMNS = ['line_kind', ...ESTABLISHMENT_COLUMNS] as const

async function* rows(
  input: NodeJS.ReadableStream,
  progress: ImportProgress,
  words: WordCollector,
): AsyncGenerator<Value[]> {
  for await (const record of readFinessFile(input)) {
    if (record.kind === 'rejected') {
      progress.reject(record.line, record.reason)
    } else if (record.kind === 'establishment') {
      progress.accept()
      yield [
        'E',
        record.finess,
        record.finessLegal,
        record.name,
        record.shortName,
        searchKey(record.name),
        record.address,
        record.postalCode,
        record.city,
        record.departmentCode,
        record.departmentLabel,
        record.phone,
        record.categoryCode,
        record.categoryLabel,
        record.siret,
        null,
        null,
        null,
        null,
        null,
        null,
        words.vector([record.name, record.shortName], [record.city, record.postalCode]),
      ]
    } else {
      progress.accept()
      const position = toWgs84(record.system, record.x, record.y)
      yield [
        'G',
        record.finess,
        // The columns of the establishment itself, which a geolocation line leaves empty.
        ...Array<string>(13).fill(''),
        record.x,
        record.y,
        record.source,
        record.system,
        position?.latitude ?? null,
        position?.longitude ?? null,
        '',
      ]
    }
  }
}

/** The FINESS establishment extract: `structureet` lines joined with their `geolocalisation` lines. */
export const finessSpec: DirectorySpec = {
  async prepare(db) {
    await this.discard(db)
    await sql`
      create table directory_finess_staging (
        line_kind char(1) not null, finess text not null, finess_legal text not null, name text not null,
        short_name text not null, search_name text not null, address text not null, postal_code text not null,
        city text not null, department_code text not null, department_label text not null, phone text not null,
        category_code text not null, category_label text not null, siret text not null,
        x double precision, y double precision, geo_source text, coordinate_system text,
        latitude double precision, longitude double precision, search_vector tsvector not null
      )`.execute(db)
    await sql`create table directory_establishment_words_next (like directory_establishment_words)`.execute(
      db,
    )
  },

  async load(input, loader, progress) {
    const words = new WordCollector()
    await loader.load('directory_finess_staging', STAGING_COLUMNS, inBatches(rows(input, progress, words)))
    await loader.load('directory_establishment_words_next', ['word', 'rows'], words.rows())
  },

  async finish(db) {
    await sql`create table directory_establishments_next (like directory_establishments including defaults)`.execute(
      db,
    )
    await sql`
      insert into directory_establishments_next (${sql.raw(ESTABLISHMENT_COLUMNS.join(', '))})
      select * from (
        select distinct on (e.finess) e.finess, e.finess_legal, e.name, e.short_name, e.search_name, e.address,
          e.postal_code, e.city, e.department_code, e.department_label, e.phone, e.category_code,
          e.category_label, e.siret, g.x, g.y, g.geo_source, g.coordinate_system, g.latitude, g.longitude,
          e.search_vector
        from directory_finess_staging e
        left join directory_finess_staging g on g.line_kind = 'G' and g.finess = e.finess
        where e.line_kind = 'E'
        order by e.finess
      ) as establishment
      -- In the order of their names: the rows a search finds sit together on disk.
      order by search_name, finess`.execute(db)
    for (const statement of [
      'alter table directory_establishments_next add constraint directory_establishments_next_pkey primary key (finess)',
      'create index directory_establishments_next_words on directory_establishments_next using gin (search_vector)',
      'create index directory_establishments_next_postal_code on directory_establishments_next (postal_code)',
      'create index directory_establishments_next_legal on directory_establishments_next (finess_legal)',
      'create index directory_establishments_next_siret on directory_establishments_next (siret)',
      'drop table directory_finess_staging',
      'analyze directory_establishments_next',
      'alter table directory_establishment_words_next add constraint directory_establishment_words_next_pkey primary key (word)',
      'analyze directory_establishment_words_next',
    ]) {
      await sql.raw(statement).execute(db)
    }
  },

  async swap(db) {
    for (const statement of [
      'drop table directory_establishments',
      'drop table directory_establishment_words',
      'alter table directory_establishments_next rename to directory_establishments',
      'alter table directory_establishment_words_next rename to directory_establishment_words',
      'alter index directory_establishment_words_next_pkey rename to directory_establishment_words_pkey',
      ...['pkey', 'words', 'postal_code', 'legal', 'siret'].map(
        (name) =>
          `alter index directory_establishments_next_${name} rename to directory_establishments_${name}`,
      ),
    ]) {
      await sql.raw(statement).execute(db)
    }
  },

  async discard(db) {
    await sql`drop table if exists directory_finess_staging, directory_establishments_next, directory_establishment_words_next`.execute(
      db,
    )
  },
}

/** Rows in batches of up to `size`, for the bulk loader. */
async function* inBatches(rows: AsyncIterable<Value[]>, size = 1000): AsyncGenerator<Value[][]> {
  let batch: Value[][] = []
  for await (const row of rows) {
    batch.push(row)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}
