import { Readable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateFinessLines, generateRppsLines } from '../../scripts/directory/generate.ts'
import { FixedClock } from '../../src/clock.ts'
import { searchEstablishments } from '../../src/directory/establishments.ts'
import { importDirectory } from '../../src/directory/importer.ts'
import { searchProfessionals } from '../../src/directory/search.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { QueryRecorder, tablesRead } from '../helpers/plans.ts'

let database: TestDatabase

// A populated directory, as generated for the benchmarks: enough rows for the planner to weigh its
// indexes as it does on the national files.
beforeAll(async () => {
  database = await createTestDatabase()
  const deps = {
    db: database.db,
    pool: database.pool,
    clock: new FixedClock(),
    logger: pino({ level: 'silent' }),
  }
  const lines = (generated: Iterable<string>, encoding: 'utf8' | 'latin1') =>
    Readable.from([Buffer.from(`${[...generated].join('\n')}\n`, encoding)])
  const meta = { source: 'generated', requestedBy: null }
  await importDirectory(deps, 'rpps', lines(generateRppsLines({ lines: 60_000, seed: 5 }), 'utf8'), meta)
  await importDirectory(
    deps,
    'finess',
    lines(generateFinessLines({ establishments: 20_000, seed: 5 }), 'latin1'),
    meta,
  )
}, 300_000)
afterAll(() => database.drop())

describe('every directory search reads its tables through their indexes', () => {
  const professionals: Record<string, string>[] = [
    { q: 'martin marseille' },
    { q: 'helene bera' },
    // `fer` begins hundreds of words, read as a prefix; `b` very many, checked on what the others find.
    { q: 'noel fer' },
    { q: 'lemaitre toulouse b' },
    { q: "n'diaye lyon cabinet" },
    { q: 'centre hospitalier nantes' },
    { q: 'mar', lastName: 'mar' },
    { q: 'sophie', firstName: 'so' },
    { lastName: 'dub' },
    { lastName: 'le g', firstName: 'j' },
  ]
  const establishments: Record<string, string>[] = [
    { q: 'pharmacie marseille' },
    { q: 'centre sante lyon' },
    { q: 'ehpad clos fleuri' },
    { q: 'laboratoire 69003' },
    { q: 'chateau' },
    { q: 'pharmacie', postalCode: '13005' },
    { postalCode: '20000' },
  ]

  it.each([
    ...professionals.map((query) => ['professionals', query] as const),
    ...establishments.map((query) => ['establishments', query] as const),
  ])('%s %j', async (kind, query) => {
    const recorder = new QueryRecorder(database.db)
    const db = database.db.withPlugin(recorder)
    const search = kind === 'professionals' ? searchProfessionals : searchEstablishments
    const first = await search(db, { ...query, limit: 5 })
    // A page of persons comes with their activities in one statement (words first read the vocabulary).
    if (kind === 'professionals') expect(recorder.queries).toHaveLength(query.q ? 2 : 1)
    if (first.nextCursor) await search(db, { ...query, limit: 5, cursor: first.nextCursor })
    expect(recorder.queries.length).toBeGreaterThan(0)
    for (const query of recorder.queries) {
      const read = await tablesRead(database.db, query)
      expect(
        read.filter((scan) => scan.startsWith('Seq Scan on directory_')),
        query.sql,
      ).toEqual([])
    }
  })
})
