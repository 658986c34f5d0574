import { describe, expect, it } from 'vitest'
import {
  checkPlace,
  DEPARTMENT_CODES,
  departmentOfPostalCode,
  REGION_CODES,
  REGIONS,
} from '../../src/shared/regions.ts'

describe('the regions of France', () => {
  it('are the 18 INSEE regions, sharing the 101 departments without overlap', () => {
    expect(REGION_CODES).toHaveLength(18)
    const departments = REGION_CODES.flatMap((code) => [...REGIONS[code].departments])
    expect(departments).toHaveLength(101)
    expect(new Set(departments).size).toBe(101)
    expect(DEPARTMENT_CODES).toHaveLength(101)
  })
})

describe('the department of a postal code', () => {
  it.each([
    ['81000', '81'],
    ['01000', '01'],
    ['75017', '75'],
    ['20000', '2A'],
    ['20167', '2A'],
    ['20200', '2B'],
    ['20600', '2B'],
    ['20300', undefined],
    ['97100', '971'],
    ['97133', '971'],
    ['97200', '972'],
    ['97300', '973'],
    ['97400', '974'],
    ['97600', '976'],
    ['97500', undefined],
    ['98000', undefined],
    ['00100', undefined],
    ['8100', undefined],
  ])('%s → %s', (postalCode, department) => {
    expect(departmentOfPostalCode(postalCode)).toBe(department)
  })
})

describe('a region, a department and a postal code', () => {
  it.each([
    ['Occitanie, Albi', { region: '76', postalCode: '81000' }, { ok: true, department: '81' }],
    [
      'Occitanie, Albi, department given',
      { region: '76', department: '81', postalCode: '81000' },
      { ok: true, department: '81' },
    ],
    ['Occitanie, no address', { region: '76' }, { ok: true, department: null }],
    ['Occitanie, a department alone', { region: '76', department: '31' }, { ok: true, department: '31' }],
    ['Corse, Ajaccio', { region: '94', postalCode: '20000' }, { ok: true, department: '2A' }],
    [
      'Corse, Bastia, 2B given',
      { region: '94', department: '2B', postalCode: '20200' },
      { ok: true, department: '2B' },
    ],
    ['Martinique', { region: '02', postalCode: '97200' }, { ok: true, department: '972' }],
    ['La Réunion', { region: '04', department: '974', postalCode: '97400' }, { ok: true, department: '974' }],
    ['Mayotte', { region: '06', postalCode: '97600' }, { ok: true, department: '976' }],
    [
      'Corse, Bastia, 2A given',
      { region: '94', department: '2A', postalCode: '20200' },
      { ok: false, field: 'department' },
    ],
    [
      'Occitanie, a Paris postal code',
      { region: '76', postalCode: '75017' },
      { ok: false, field: 'postalAddress.postalCode' },
    ],
    [
      'Occitanie, department of Paris',
      { region: '76', department: '75' },
      { ok: false, field: 'department' },
    ],
    [
      'Île-de-France, a Corsican code',
      { region: '11', postalCode: '20000' },
      { ok: false, field: 'postalAddress.postalCode' },
    ],
    [
      'Guadeloupe, a Martinique code',
      { region: '01', postalCode: '97200' },
      { ok: false, field: 'postalAddress.postalCode' },
    ],
    ['Martinique, department 971', { region: '02', department: '971' }, { ok: false, field: 'department' }],
    [
      'Saint-Pierre-et-Miquelon',
      { region: '01', postalCode: '97500' },
      { ok: false, field: 'postalAddress.postalCode' },
    ],
    ['a region code of old', { region: '73', postalCode: '81000' }, { ok: false, field: 'region' }],
    [
      'Corse, a postal code of neither',
      { region: '94', postalCode: '20300' },
      { ok: false, field: 'postalAddress.postalCode' },
    ],
  ])('%s', (_case, input, expected) => {
    expect(checkPlace(input)).toMatchObject(expected)
  })
})
