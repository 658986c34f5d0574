import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { generateFinessLines, generateRppsLines, writeLines } from '../../scripts/directory/generate.ts'
import { type FinessRecord, readFinessFile } from '../../src/directory/finess-file.ts'
import { isRppsRejection, type RppsActivity, readRppsFile } from '../../src/directory/rpps-file.ts'

function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
  }
  return sum % 10 === 0
}

async function readRpps(lines: Iterable<string>) {
  const records = []
  for await (const record of readRppsFile(Readable.from([[...lines].join('\n')]))) records.push(record)
  return records
}

describe('the RPPS generator', () => {
  it('writes the requested lines, readable, with about 0.1% bad ones', async () => {
    const lines = [...generateRppsLines({ lines: 20_000, seed: 7 })]
    expect(lines).toHaveLength(20_001)
    const records = await readRpps(lines)
    const rejected = records.filter(isRppsRejection)
    expect(records).toHaveLength(20_000)
    expect(rejected.length).toBeGreaterThan(5)
    expect(rejected.length).toBeLessThan(60)

    const activities = records.filter((r): r is RppsActivity => !isRppsRejection(r))
    const badIds = activities.filter(
      ({ rpps, nationalId }) => !/^[12]\d{10}$/.test(rpps) || !luhnValid(rpps) || nationalId !== `8${rpps}`,
    )
    expect(badIds).toEqual([])
    const withSiret = activities.filter((a) => a.siret !== '')
    expect(withSiret.length).toBeGreaterThan(1000)
    expect(withSiret.every((a) => luhnValid(a.siret) && luhnValid(a.siren))).toBe(true)
    expect(activities.some((a) => a.departmentCode === '2A' && a.finess.startsWith('2A'))).toBe(true)
    expect(activities.some((a) => /[éèëïü]/.test(a.firstName + a.lastName.toLowerCase()))).toBe(true)
    expect(activities.some((a) => a.lastName.includes("'"))).toBe(true)

    // Persons come with 1 to 3 consecutive activity lines.
    const runs = new Map<string, number>()
    for (const { rpps } of activities) runs.set(rpps, (runs.get(rpps) ?? 0) + 1)
    const sizes = new Set(runs.values())
    expect([...sizes].sort()).toEqual([1, 2, 3])
  })

  it('is deterministic for a seed', () => {
    const take = (seed: number) => [...generateRppsLines({ lines: 50, seed })]
    expect(take(1)).toEqual(take(1))
    expect(take(1)).not.toEqual(take(2))
  })

  it.each([52, 48] as const)('writes the %i-column layout', async (columns) => {
    const lines = [...generateRppsLines({ lines: 100, columns, seed: 3, badLineRatio: 0 })]
    expect(lines[0]!.split('|')).toHaveLength(columns + 1)
    expect((await readRpps(lines)).filter(isRppsRejection)).toEqual([])
  })
})

describe('the FINESS generator', () => {
  it('writes establishments then their geolocations, in ISO-8859-1', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'finess-generator-test-'))
    try {
      const path = join(directory, 'etalab-cs1100507-stock-20261101.csv')
      const count = await writeLines(
        generateFinessLines({ establishments: 5000, seed: 11 }),
        createWriteStream(path),
        'latin1',
      )
      const bytes = await readFile(path)
      expect(bytes.includes(Buffer.from('É', 'latin1'))).toBe(true)
      expect(bytes.includes(Buffer.from('É'))).toBe(false) // not UTF-8

      const records: FinessRecord[] = []
      for await (const record of readFinessFile(Readable.from([bytes]))) records.push(record)
      expect(records).toHaveLength(count - 1)
      const establishments = records.filter((r) => r.kind === 'establishment')
      const geolocations = records.filter((r) => r.kind === 'geolocation')
      const rejected = records.filter((r) => r.kind === 'rejected')
      expect(establishments.length).toBeGreaterThan(4980)
      expect(rejected.length).toBeLessThan(30)
      expect(geolocations.length).toBeGreaterThan(4800)
      expect(records.findIndex((r) => r.kind === 'geolocation')).toBeGreaterThan(4990)

      const finess = new Set(establishments.map((e) => e.finess))
      expect(finess.size).toBe(establishments.length)
      // Only the geolocations of rejected establishment lines have no establishment.
      expect(geolocations.filter((g) => !finess.has(g.finess)).length).toBeLessThanOrEqual(rejected.length)
      expect(establishments.some((e) => e.departmentCode === '2B' && e.finess.startsWith('2B'))).toBe(true)
      const mainland = establishments.filter((e) => /^\d+$/.test(e.finess))
      expect(mainland.every((e) => luhnValid(e.finess) && luhnValid(e.finessLegal))).toBe(true)
      expect(establishments.every((e) => e.siret === '' || luhnValid(e.siret))).toBe(true)
      expect(establishments.some((e) => /[ÉÈ]/.test(e.name))).toBe(true)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
