import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toWgs84 } from '../../src/directory/positions.ts'
import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor } from '../helpers/auth.ts'
import { type Establishment, finessFile } from '../helpers/directory-files.ts'

/** Latitude and longitude bounds of each department, from its map: [south, north, west, east]. */
const DEPARTMENTS = {
  Tarn: [43.38, 44.21, 1.53, 2.94],
  'Corse-du-Sud': [41.33, 42.39, 8.53, 9.56],
  Guadeloupe: [15.83, 16.52, -61.81, -61.0],
  'La Réunion': [-21.4, -20.86, 55.21, 55.84],
  Guyane: [2.1, 5.8, -54.61, -51.61],
  Mayotte: [-13.01, -12.63, 44.95, 45.31],
} as const
type Department = keyof typeof DEPARTMENTS

// Coordinates as the FINESS extract writes them, each in the system its line names.
const LINES: [
  Department,
  name: string,
  postalCode: string,
  city: string,
  x: number,
  y: number,
  system: string,
][] = [
  ['Tarn', 'PHARMACIE DU CENTRE', '81000', 'ALBI', 632000.5, 6314000.2, 'LAMBERT_93'],
  ['Corse-du-Sud', 'CLINIQUE DU CHÂTEAU', '20000', 'AJACCIO', 1178420.3, 6104870.6, 'LAMBERT_93'],
  ['Guadeloupe', 'CHU DE POINTE-À-PITRE', '97110', 'POINTE A PITRE', 656712.4, 1796931.8, 'UTM_N20'],
  ['La Réunion', 'CHU SUD RÉUNION', '97410', 'SAINT PIERRE', 342051.2, 7641130.9, 'UTM_S40'],
  ['Guyane', 'CENTRE HOSPITALIER DE CAYENNE', '97300', 'CAYENNE', 352537.7, 545112.4, 'UTM_N22'],
  ['Mayotte', 'CENTRE HOSPITALIER DE MAYOTTE', '97600', 'MAMOUDZOU', 525310.6, 8587120.3, 'UTM_S38'],
]

const inside = (department: Department, position: { latitude: number; longitude: number }) => {
  const [south, north, west, east] = DEPARTMENTS[department]
  return (
    position.latitude > south &&
    position.latitude < north &&
    position.longitude > west &&
    position.longitude < east
  )
}

describe('positions computed from the system each line names', () => {
  it.each(LINES)('%s: %s', (department, _name, _postalCode, _city, x, y, system) => {
    const position = toWgs84(system, x, y)
    expect(position).not.toBeNull()
    expect(inside(department, position!), JSON.stringify(position)).toBe(true)
  })

  it('falls outside when the line names the wrong system', () => {
    // Pointe-à-Pitre's UTM coordinates read as Lambert-93 land in the Atlantic, far from Guadeloupe.
    expect(inside('Guadeloupe', toWgs84('LAMBERT_93', 656712.4, 1796931.8)!)).toBe(false)
    expect(toWgs84('GAUSS_LABORDE', 1, 2)).toBeNull()
  })
})

describe('GET /v1/directory/establishments: locations', () => {
  let t: TestApp
  const finessOf = (n: number) => withLuhnCheckDigit(`9700000${n}`)
  const establishments: Establishment[] = [
    ...LINES.map(([, name, postalCode, city, x, y, system], n) => ({
      finess: finessOf(n),
      finessLegal: finessOf(9),
      name,
      postalCode,
      city,
      department: postalCode.slice(0, 2),
      geo: [x, y, system] as [number, number, string],
    })),
    {
      finess: finessOf(7),
      finessLegal: finessOf(9),
      name: 'CABINET DE SAINT-PIERRE-ET-MIQUELON',
      postalCode: '97500',
      city: 'SAINT PIERRE',
      department: '9E',
      geo: [561234.5, 5180456.7, 'RGSPM06_OTHER'],
    },
  ]

  beforeAll(async () => {
    t = await createTestApp()
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/directory/imports?kind=finess',
      headers: { ...(await bearerFor(t.app, ['support'])), 'content-type': 'text/csv' },
      payload: finessFile(establishments),
    })
    expect(response.json()).toMatchObject({ status: 'succeeded', imported: 14, rejected: 0 })
  })
  afterAll(() => t.close())

  it.each(LINES.map((line, n) => [line[0], line[1], n] as const))('%s: %s', async (department, _name, n) => {
    const { location } = (await t.app.inject({ url: `/v1/directory/establishments/${finessOf(n)}` })).json()
    const [, , , , x, y] = LINES[n]!
    expect(location).toMatchObject({
      x,
      y,
      system: n < 2 ? 'Lambert-93' : expect.stringMatching(/^UTM \d\d[NS]$/),
    })
    expect(inside(department, location), JSON.stringify(location)).toBe(true)
  })

  it('keeps the coordinates of a system it does not know, without a position', async () => {
    const { location } = (await t.app.inject({ url: `/v1/directory/establishments/${finessOf(7)}` })).json()
    expect(location).toEqual({
      x: 561234.5,
      y: 5180456.7,
      system: 'RGSPM06_OTHER',
      epsg: null,
      latitude: null,
      longitude: null,
    })
  })
})
