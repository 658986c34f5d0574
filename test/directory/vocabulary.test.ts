import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WordCollector, wordQuery } from '../../src/directory/vocabulary.ts'
import { queryWords } from '../../src/shared/word-search.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

describe('how an import writes words', () => {
  it('weights the main texts, keeps every word once with about the rows it is in', async () => {
    const words = new WordCollector(2)
    expect(words.vector(['MARTIN', 'Hélène'], ['Albi', 'Cabinet Martin', ''])).toBe(
      'martin:1A helene:1A albi:2 cabinet:2 martin:2',
    )
    expect(words.vector([], [])).toBe('')
    expect(words.vector(['Martin'], [])).toBe('martin:1A')
    // Known texts come from the cache (two texts a kind here: the others were let go), and count their row.
    expect(words.vector(['Hélène'], ['Albi'])).toBe('helene:1A albi:2')
    const vocabulary = []
    for await (const batch of words.rows()) vocabulary.push(...batch)
    expect(vocabulary.sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['albi', 2],
      ['cabinet', 1],
      ['helene', 2],
      // Once per text that names it: the first row names Martin twice (a name and a practice's).
      ['martin', 3],
    ])
  })
})

describe('how a query reads each word', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
    // A directory of 1,000 persons, each word with the rows it is in: names in a few, cities in many.
    await sql`insert into directory_persons (rpps, id_type, national_id, civility_code, civility_label,
        practice_civility_code, practice_civility_label, last_name, first_name, search_last_name,
        search_first_name)
      select n::text, '8', '8' || n, '', '', '', '', '', '', '', '' from generate_series(1, 1000) as n`.execute(
      database.db,
    )
    await sql`analyze directory_persons`.execute(database.db)
    const words: [string, number][] = [
      ['martin', 90],
      ['martine', 10],
      ['marseille', 400],
      ['helene', 150],
      ['farmoay', 2],
      // Imported before the import counted rows.
      ['zeller', 0],
      ['dubois', 100],
      ['olivier', 80],
      ['paris', 600],
      ...Array.from({ length: 300 }, (_, n): [string, number] => [`fer${n}`, 1]),
      ...Array.from({ length: 1200 }, (_, n): [string, number] => [`b${n}`, 1]),
      ['toulouse', 300],
      ['toulon', 200],
      ...Array.from({ length: 9 }, (_, n): [string, number] => [`toulard${n}`, 5]),
    ]
    await database.db
      .insertInto('directory_person_words')
      .values(words.map(([word, rows]) => ({ word, rows })))
      .execute()
  })
  afterAll(() => database.drop())

  const read = (q: string) => wordQuery(database.db, 'directory_person_words', queryWords(q))

  it.each([
    ['martin', { indexed: '(martin | martine)', filter: null }],
    ['helene toulon', { indexed: 'helene & toulon', filter: null }],
    ['helene fer', { indexed: 'helene & fer:*', filter: null }],
    ['helene b', { indexed: 'helene', filter: 'b:*' }],
    ['helene fe', { indexed: 'helene', filter: 'fe:*' }],
    ['ma', { indexed: '(marseille | martin | martine)', filter: null }],
    ['b', { indexed: 'b:*', filter: null }],
    ["l'hel", { indexed: 'helene', filter: null }],
    // Rarest first, each word narrowing the rows found; a word in many times more rows than those is
    // checked on them.
    ['farmoay toul', { indexed: 'farmoay', filter: 'toul:*' }],
    ['farmoay fer helene', { indexed: 'farmoay', filter: 'helene:* & fer:*' }],
    ['dubois olivier paris', { indexed: 'dubois & olivier', filter: 'paris:*' }],
    // Words of rows alike in number, or all common: all read off the index.
    ['martin marseille', { indexed: '(martin | martine) & marseille', filter: null }],
    ['helene fer', { indexed: 'helene & fer:*', filter: null }],
    ['marseille toul', { indexed: 'marseille & toul:*', filter: null }],
    // A word whose rows are not known: every word read off the index, as before they were counted.
    ['farmoay toul zeller', { indexed: 'farmoay & toul:* & zeller', filter: null }],
  ])('%s', async (q, expected) => {
    expect(await read(q)).toEqual(expected)
  })

  it('knows at once that a word begins no word of the directory', async () => {
    expect(await read('martin zorro')).toBeNull()
  })
})
