import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor } from '../helpers/auth.ts'
import { type Establishment, finessFile, type Person, rppsFile, rppsOf } from '../helpers/directory-files.ts'

let t: TestApp

const site = (n: number) => withLuhnCheckDigit(`8100000${n}`)
const establishment = (n: number, e: Omit<Establishment, 'finess' | 'finessLegal'>): Establishment => ({
  finess: site(n),
  finessLegal: withLuhnCheckDigit('81000020'),
  ...e,
})

const ESTABLISHMENTS: Establishment[] = [
  establishment(1, {
    name: 'PHARMACIE DU CENTRE',
    postalCode: '81000',
    city: 'ALBI',
    department: '81',
    geo: [632000.5, 6314000.2],
  }),
  establishment(2, {
    name: 'CLINIQUE DU CHÂTEAU',
    postalCode: '20000',
    city: 'AJACCIO',
    department: '2A',
    geo: [1178000, 6105000],
  }),
  establishment(3, {
    name: "CENTRE HOSPITALIER D'ALBI",
    postalCode: '81000',
    city: 'ALBI',
    department: '81',
  }),
  establishment(4, {
    name: "L'HÔPITAL SAINT-JEAN",
    postalCode: '66000',
    city: 'PERPIGNAN',
    department: '66',
  }),
  establishment(5, {
    name: 'HOPITAL DE LA MISÉRICORDE',
    postalCode: '20000',
    city: 'AJACCIO',
    department: '2A',
  }),
  establishment(6, {
    name: 'CENTRE HOSPITALIER DE CAYENNE',
    postalCode: '97300',
    city: 'CAYENNE',
    department: '9C',
  }),
  establishment(7, {
    name: "ETABLISSEMENT D'HEBERGEMENT POUR PERSONNES AGEES LES TILLEULS",
    shortName: 'EHPAD LES TILLEULS',
    postalCode: '31000',
    city: 'TOULOUSE',
    department: '31',
  }),
]

const person = (n: string, p: Omit<Person, 'rpps'>): Person => ({ rpps: rppsOf(`100000${n}`), ...p })
const activity = (structure: string, postalCode: string, city: string) => ({
  structure,
  postalCode,
  city,
  street: 'de la Gare',
})
const PEOPLE: Person[] = [
  person('0011', {
    civility: 'MME',
    lastName: 'Dupont',
    firstName: 'Hélène',
    activities: [activity('Cabinet du Dr Dupont', '81000', 'Albi')],
  }),
  person('0022', {
    civility: 'MME',
    lastName: 'Martin',
    firstName: 'Claire',
    activities: [
      activity('Cabinet médical du Prado', '13008', 'Marseille'),
      activity('Clinique Saint-Jean', '66000', 'Perpignan'),
    ],
  }),
  person('0033', {
    civility: 'M',
    lastName: 'Martin',
    firstName: 'Paul',
    activities: [activity('Cabinet Martin', '81000', 'Albi')],
  }),
  person('0044', {
    civility: 'M',
    lastName: 'Marseille',
    firstName: 'Jean',
    activities: [activity('Cabinet Marseille', '69003', 'Lyon')],
  }),
  person('0066', {
    civility: 'M',
    lastName: '王',
    firstName: '伟',
    activities: [activity('', '', '')],
  }),
  person('0055', {
    civility: 'M',
    lastName: "N'Diaye",
    firstName: 'Loïc',
    activities: [activity('Pharmacie des Lices', '81000', 'Albi')],
  }),
]

beforeAll(async () => {
  t = await createTestApp()
  const support = await bearerFor(t.app, ['support'])
  for (const [kind, body] of [
    ['finess', finessFile(ESTABLISHMENTS)],
    ['rpps', rppsFile(56, PEOPLE)],
  ] as const) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/directory/imports?kind=${kind}`,
      headers: { ...support, 'content-type': 'text/plain' },
      payload: body,
    })
    expect(response.json()).toMatchObject({ status: 'succeeded', rejected: 0 })
  }
})
afterAll(() => t.close())

const get = (path: string, query: Record<string, string>) =>
  t.app.inject({ url: `${path}?${new URLSearchParams(query)}` })
const nameOf = (item: { name: string }) => item.name
const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`
const establishments = async (query: Record<string, string>) => {
  const response = await get('/v1/directory/establishments', query)
  expect(response.statusCode, response.body).toBe(200)
  return response.json().items.map(nameOf) as string[]
}
const professionals = async (query: Record<string, string>) => {
  const response = await get('/v1/directory/professionals', query)
  expect(response.statusCode, response.body).toBe(200)
  return response.json().items.map(fullName) as string[]
}
/** Every page of a search, one after the other, through the cursors. */
async function pagedThrough<T>(path: string, query: Record<string, string>, label: (item: T) => string) {
  const labels: string[] = []
  let cursor: string | null = null
  do {
    const response = await get(path, { ...query, ...(cursor ? { cursor } : {}) })
    labels.push(...response.json().items.map(label))
    cursor = response.json().nextCursor
  } while (cursor)
  return labels
}

describe('establishments found by the words people type', () => {
  it.each([
    ['chateau', ['CLINIQUE DU CHÂTEAU']],
    ['clinique ajaccio', ['CLINIQUE DU CHÂTEAU']],
    ['AJACCIO   du-château', ['CLINIQUE DU CHÂTEAU']],
    ['chat aja', ['CLINIQUE DU CHÂTEAU']],
    ["l'hôpital", ["L'HÔPITAL SAINT-JEAN", 'HOPITAL DE LA MISÉRICORDE']],
    ['saint jean', ["L'HÔPITAL SAINT-JEAN"]],
    ['20000', ['CLINIQUE DU CHÂTEAU', 'HOPITAL DE LA MISÉRICORDE']],
    ['ehpad tilleuls', ["ETABLISSEMENT D'HEBERGEMENT POUR PERSONNES AGEES LES TILLEULS"]],
    ['tilleuls hebergement', ["ETABLISSEMENT D'HEBERGEMENT POUR PERSONNES AGEES LES TILLEULS"]],
    ['chateau albi', []],
    ['zzz', []],
  ])('%s', async (q, names) => {
    expect(await establishments({ q })).toEqual(names)
  })

  it('ranks names holding every word first, then shorter names', async () => {
    expect(await establishments({ q: 'centre' })).toEqual([
      'PHARMACIE DU CENTRE',
      "CENTRE HOSPITALIER D'ALBI",
      'CENTRE HOSPITALIER DE CAYENNE',
    ])
    // Albi is in the hospital's name, only in the pharmacy's city: the hospital comes first though longer.
    expect(await establishments({ q: 'centre albi' })).toEqual([
      "CENTRE HOSPITALIER D'ALBI",
      'PHARMACIE DU CENTRE',
    ])
    expect(await establishments({ q: 'albi', postalCode: '81000' })).toEqual([
      "CENTRE HOSPITALIER D'ALBI",
      'PHARMACIE DU CENTRE',
    ])
  })

  it('pages with a cursor that keeps the ranking', async () => {
    for (const q of ['centre', 'centre albi', 'hopital']) {
      expect(await pagedThrough('/v1/directory/establishments', { q, limit: '1' }, nameOf)).toEqual(
        await establishments({ q }),
      )
    }
  })
})

describe('professionals found by the words people type', () => {
  it.each([
    ['martin marseille', ['Claire Martin']],
    ['helene dupont', ['Hélène Dupont']],
    ['DUPONT Hélène', ['Hélène Dupont']],
    ['dupont albi', ['Hélène Dupont']],
    ['martin albi', ['Paul Martin']],
    ['saint jean perpignan', ['Claire Martin']],
    ['prado claire', ['Claire Martin']],
    ['ndiaye', ["Loïc N'Diaye"]],
    ["n'diaye loic", ["Loïc N'Diaye"]],
    ['lices', ["Loïc N'Diaye"]],
    ['martin lyon', []],
  ])('%s', async (q, names) => {
    expect(await professionals({ q })).toEqual(names)
  })

  it('ranks persons found by their names before the others, each once', async () => {
    // Jean Marseille by his name; Claire Martin by her city.
    expect(await professionals({ q: 'marseille' })).toEqual(['Jean Marseille', 'Claire Martin'])
    // Claire's two activities both hold "martin" and "cabinet"/"clinique": she comes once.
    expect(await professionals({ q: 'martin' })).toEqual(['Claire Martin', 'Paul Martin'])
  })

  it('narrows by the other criteria', async () => {
    expect(await professionals({ q: 'martin', firstName: 'pa' })).toEqual(['Paul Martin'])
    expect(await professionals({ q: 'albi', lastName: 'dup' })).toEqual(['Hélène Dupont'])
    expect(await professionals({ q: 'martin', rpps: rppsOf('1000000022') })).toEqual(['Claire Martin'])
    expect(await professionals({ q: 'marseille', lastName: 'martin' })).toEqual(['Claire Martin'])
  })

  it('keeps a person whose names hold no Latin letter, found by RPPS', async () => {
    const rpps = rppsOf('1000000066')
    expect(await professionals({ rpps })).toEqual(['伟 王'])
    expect(await professionals({ q: rpps })).toEqual(['伟 王'])
  })

  it('answers each person with all their activities', async () => {
    const response = await get('/v1/directory/professionals', { q: 'saint jean perpignan' })
    expect(response.json().items[0].activities.map((a: { city: string }) => a.city)).toEqual([
      'Marseille',
      'Perpignan',
    ])
  })

  it('pages with a cursor that keeps the ranking', async () => {
    const all = await professionals({ q: 'c' })
    expect(all.length).toBeGreaterThan(3)
    expect(await pagedThrough('/v1/directory/professionals', { q: 'c', limit: '2' }, fullName)).toEqual(all)
  })
})

describe('what the searches refuse', () => {
  it.each([
    ['/v1/directory/establishments', { q: 'centre\u0000' }],
    ['/v1/directory/establishments', { q: 'centre\u0007albi' }],
    ['/v1/directory/professionals', { q: 'martin\u001f' }],
    ['/v1/directory/professionals', { lastName: 'mar\u0000' }],
    ['/v1/directory/professionals', { firstName: '\u007f' }],
  ])('control characters: %s %j', async (path, query) => {
    const response = await get(path, query)
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.json().errors[0].field).toBe(Object.keys(query)[0])
  })

  it.each([
    ['/v1/directory/establishments', { q: " -- ' " }],
    ['/v1/directory/professionals', { q: '…' }],
    ['/v1/directory/professionals', {}],
  ])('no words and no other criterion: %s %j', async (path, query) => {
    const response = await get(path, query)
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('criteria_required')
  })

  it('a cursor of another search', async () => {
    const response = await get('/v1/directory/establishments', { q: 'centre', limit: '1' })
    const cursor = response.json().nextCursor
    expect(
      (await get('/v1/directory/establishments', { q: 'centre', cursor: `${cursor}x` })).statusCode,
    ).toBe(400)
    const people = await get('/v1/directory/professionals', { q: 'centre', cursor: 'WyJ4Il0' })
    expect(people.statusCode).toBe(400)
    expect(people.json().code).toBe('invalid_cursor')
  })
})
