import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  documentWords,
  foldText,
  prefixQuery,
  queryWords,
  weightedVector,
} from '../../src/shared/word-search.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

describe('the words of a text', () => {
  it.each([
    ['PHARMACIE DU CENTRE', ['pharmacie', 'du', 'centre']],
    ['Clinique du Château', ['clinique', 'du', 'chateau']],
    ["N'Diaye", ['ndiaye', 'n', 'diaye']],
    ['L’HÔPITAL SAINT-JEAN', ['lhopital', 'saint', 'jean', 'l', 'hopital']],
    ['Sacré-Cœur', ['sacre', 'coeur']],
    ['Müller  Æsir  Łódź', ['muller', 'aesir', 'lodz']],
    ['75015 PARIS CEDEX 15', ['75015', 'paris', 'cedex', '15']],
    ['', []],
    ['-- / --', []],
  ])('%s', (text, words) => {
    expect(documentWords(text)).toEqual(words)
  })
})

describe('the words of a query', () => {
  it.each([
    ['chateau', [['chateau']]],
    ['centre albi', [['centre'], ['albi']]],
    ["l'hôpital", [['hopital', 'lhopital']]],
    ['L’Hôpital Saint-Jean', [['hopital', 'lhopital'], ['saint'], ['jean']]],
    ["n'diaye", [['diaye', 'ndiaye']]],
    ["aujourd'hui", [['aujourdhui']]],
    ['  Hélène   DUPONT ', [['helene'], ['dupont']]],
    ['martin martin', [['martin']]],
    ['l', [['l']]],
    ["' - ,", []],
  ])('%s', (query, words) => {
    expect(queryWords(query)).toEqual(words)
  })

  it('finds what people type in the words of the text they mean', () => {
    const cases: [query: string, text: string][] = [
      ["l'hôpital", 'HOPITAL DE LA MISERICORDE'],
      ["l'hôpital", "L'HOPITAL SAINT-JEAN"],
      ['saint jean', 'SAINT-JEAN'],
      ['ndiaye', "N'DIAYE"],
      ["n'diaye", 'NDIAYE'],
      ["d'argent", "d'Argent"],
      ['coeur sacre', 'Sacré-Cœur'],
    ]
    for (const [query, text] of cases) {
      const words = documentWords(text)
      expect(
        queryWords(query).every((forms) => forms.some((form) => words.some((word) => word.startsWith(form)))),
        `${query} in ${text}`,
      ).toBe(true)
    }
  })

  it('query words are always document words of the same text, so that a text finds itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const words = documentWords(text)
        return queryWords(text).every((forms) =>
          forms.some((form) => words.some((word) => word.startsWith(form))),
        )
      }),
    )
  })
})

describe('tsvector and tsquery text', () => {
  it('weights the main words', () => {
    expect(weightedVector(['clinique', 'chateau'], ['ajaccio', '20000'])).toBe(
      'clinique:1A chateau:1A ajaccio:2 20000:2',
    )
    expect(prefixQuery([['chat'], ['aja']])).toBe('chat:* & aja:*')
    expect(prefixQuery([['hopital', 'lhopital']], 'A')).toBe('(hopital:*A | lhopital:*A)')
  })
})

describe('search_words(text), the same words in SQL', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.drop())

  // Latin-1 and Latin Extended-A letters (what French and European names are written with), ASCII,
  // digits, apostrophes, hyphens, spaces and punctuation.
  const LATIN = Array.from({ length: 0x180 - 0xc0 }, (_, i) => String.fromCodePoint(0xc0 + i))
  const character = fc.constantFrom(
    ...LATIN,
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...[' ', ' ', '-', "'", '’', '.', ',', '/', '(', '_', '@'],
  )

  it('folds every Latin letter as JavaScript does', async () => {
    const texts = [
      ...LATIN,
      "N'Diaye L’HÔPITAL Sacré-Cœur Straße ÞÓR",
      ...fc.sample(
        fc.array(character, { maxLength: 30 }).map((chars) => chars.join('')),
        {
          numRuns: 400,
          seed: 16,
        },
      ),
    ]
    const { rows } = await sql<{ n: number; words: string[] }>`
      select n, tsvector_to_array(search_words(text)) as words
      from (values ${sql.join(texts.map((text, n) => sql`(${n}::integer, ${text}::text)`))}) as t (n, text)
      order by n`.execute(database.db)
    const differences = rows
      .map((row) => ({
        text: texts[row.n]!,
        sql: [...row.words].sort(),
        js: documentWords(texts[row.n]!).sort(),
      }))
      .filter((row) => JSON.stringify(row.sql) !== JSON.stringify(row.js))
    expect(differences).toEqual([])
    expect(foldText('ŒUVRE')).toBe('oeuvre')
  })
})
