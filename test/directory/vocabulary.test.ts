import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WordCollector, wordQuery } from '../../src/directory/vocabulary.ts'
import { queryWords } from '../../src/shared/word-search.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

describe('how an import writes words', () => {
  it('weights the main texts, keeps every word once', async () => {
    const words = new WordCollector(2)
    expect(words.vector(['MARTIN', 'Hélène'], ['Albi', 'Cabinet Martin', ''])).toBe(
      'martin:1A helene:1A albi:2 cabinet:2 martin:2',
    )
    expect(words.vector([], [])).toBe('')
    expect(words.vector(['Martin'], [])).toBe('martin:1A')
    const vocabulary = []
    for await (const batch of words.rows()) vocabulary.push(...batch.map(([word]) => word))
    expect(vocabulary.sort()).toEqual(['albi', 'cabinet', 'helene', 'martin'])
  })
})

describe('how a query reads each word', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
    const words = [
      'martin',
      'martine',
      'marseille',
      'helene',
      ...Array.from({ length: 300 }, (_, n) => `fer${n}`),
      ...Array.from({ length: 1200 }, (_, n) => `b${n}`),
    ]
    await database.db
      .insertInto('directory_person_words')
      .values(words.map((word) => ({ word })))
      .execute()
  })
  afterAll(() => database.drop())

  const read = (q: string) => wordQuery(database.db, 'directory_person_words', queryWords(q))

  it.each([
    ['martin', { indexed: '(martin | martine)', filter: null }],
    ['martine mars', { indexed: 'martine & marseille', filter: null }],
    ['helene fer', { indexed: 'helene & fer:*', filter: null }],
    ['helene b', { indexed: 'helene', filter: 'b:*' }],
    ['helene fe', { indexed: 'helene', filter: 'fe:*' }],
    ['ma', { indexed: '(marseille | martin | martine)', filter: null }],
    ['b', { indexed: 'b:*', filter: null }],
    ["l'hel", { indexed: 'helene', filter: null }],
  ])('%s', async (q, expected) => {
    expect(await read(q)).toEqual(expected)
  })

  it('knows at once that a word begins no word of the directory', async () => {
    expect(await read('martin zorro')).toBeNull()
  })
})
