import { describe, expect, it } from 'vitest'
import { addBusinessDays, isBusinessDay } from '../../src/access/business-days.ts'

// Times are written with their Paris offset: +01:00 in winter, +02:00 in summer.
describe('addBusinessDays', () => {
  it.each([
    // case, from, count, due
    ['Friday afternoon', '2026-03-06T15:00:00+01:00', 3, '2026-03-11T15:00:00+01:00'],
    ['Saturday', '2026-03-07T15:00:00+01:00', 3, '2026-03-11T15:00:00+01:00'],
    ['Sunday', '2026-03-08T09:30:00+01:00', 3, '2026-03-11T09:30:00+01:00'],
    ['Monday', '2026-03-09T09:30:00+01:00', 3, '2026-03-12T09:30:00+01:00'],
    ['zero days', '2026-03-07T15:00:00+01:00', 0, '2026-03-07T15:00:00+01:00'],
    [
      'Saturday 00:30 in Paris, still Friday in UTC',
      '2026-03-07T00:30:00+01:00',
      1,
      '2026-03-09T00:30:00+01:00',
    ],
    ['keeps the milliseconds', '2026-03-06T15:00:00.123+01:00', 1, '2026-03-09T15:00:00.123+01:00'],
    ['Easter Monday 2026 (6 April)', '2026-04-03T15:00:00+02:00', 3, '2026-04-09T15:00:00+02:00'],
    ['Labour Day 2026 (Friday 1 May)', '2026-04-30T09:00:00+02:00', 3, '2026-05-06T09:00:00+02:00'],
    ['Victory Day 2026 (Friday 8 May)', '2026-05-07T09:00:00+02:00', 1, '2026-05-11T09:00:00+02:00'],
    ['Ascension 2026 (Thursday 14 May)', '2026-05-13T14:00:00+02:00', 2, '2026-05-18T14:00:00+02:00'],
    ['Whit Monday 2026 (25 May)', '2026-05-22T11:00:00+02:00', 1, '2026-05-26T11:00:00+02:00'],
    ['Bastille Day 2026 (Tuesday 14 July)', '2026-07-13T08:30:00+02:00', 1, '2026-07-15T08:30:00+02:00'],
    ['Assumption 2028 (Tuesday 15 August)', '2028-08-14T10:00:00+02:00', 1, '2028-08-16T10:00:00+02:00'],
    ['end of DST 2026 (25 October)', '2026-10-23T15:00:00+02:00', 3, '2026-10-28T15:00:00+01:00'],
    ['Armistice 2026 (Wednesday 11 November)', '2026-11-10T17:00:00+01:00', 1, '2026-11-12T17:00:00+01:00'],
    ['Christmas and New Year 2026-2027', '2026-12-24T16:00:00+01:00', 5, '2027-01-04T16:00:00+01:00'],
    [
      'start of DST and Easter Monday 2027 (28-29 March)',
      '2027-03-26T12:00:00+01:00',
      1,
      '2027-03-30T12:00:00+02:00',
    ],
    ['Ascension 2027 (Thursday 6 May)', '2027-05-05T10:00:00+02:00', 1, '2027-05-07T10:00:00+02:00'],
    ['Whit Monday 2027 (17 May)', '2027-05-14T10:00:00+02:00', 1, '2027-05-18T10:00:00+02:00'],
    ['Bastille Day 2027 (Wednesday 14 July)', '2027-07-13T10:00:00+02:00', 2, '2027-07-16T10:00:00+02:00'],
    [
      'end of DST and All Saints 2027 (31 October, Monday 1 November)',
      '2027-10-29T10:00:00+02:00',
      1,
      '2027-11-02T10:00:00+01:00',
    ],
    [
      'starting on a holiday (Friday 1 May 2026)',
      '2026-05-01T10:00:00+02:00',
      1,
      '2026-05-04T10:00:00+02:00',
    ],
    ['starting on Easter Monday 2026', '2026-04-06T09:00:00+02:00', 2, '2026-04-08T09:00:00+02:00'],
    ['starting on New Year 2027 (Friday)', '2027-01-01T12:00:00+01:00', 1, '2027-01-04T12:00:00+01:00'],
  ])('%s: %s + %i business days = %s', (_case, from, count, due) => {
    expect(addBusinessDays(new Date(from), count).toISOString()).toBe(new Date(due).toISOString())
  })

  it('counts calendar days in the given time zone', () => {
    // Friday 23:30 in UTC is already Saturday 00:30 in Paris.
    const from = new Date('2026-03-06T23:30:00Z')
    expect(isBusinessDay(from, 'UTC')).toBe(true)
    expect(isBusinessDay(from)).toBe(false)
    expect(addBusinessDays(from, 1, 'UTC').toISOString()).toBe('2026-03-09T23:30:00.000Z') // Monday 23:30 UTC
    expect(addBusinessDays(from, 1).toISOString()).toBe('2026-03-08T23:30:00.000Z') // Monday 00:30 in Paris
    expect(addBusinessDays(from, 3, 'UTC').toISOString()).toBe('2026-03-11T23:30:00.000Z')
    expect(addBusinessDays(from, 3).toISOString()).toBe('2026-03-10T23:30:00.000Z')
  })

  it.each([-1, 1.5, Number.NaN])('refuses a count of %d', (count) => {
    expect(() => addBusinessDays(new Date('2026-03-06T15:00:00+01:00'), count)).toThrow(RangeError)
  })
})

describe('isBusinessDay', () => {
  it.each([
    ['2026-01-01T12:00:00+01:00', false], // New Year, Thursday
    ['2026-01-02T12:00:00+01:00', true],
    ['2026-03-07T12:00:00+01:00', false], // Saturday
    ['2026-03-08T12:00:00+01:00', false], // Sunday
    ['2026-04-03T12:00:00+02:00', true], // Good Friday: only a holiday in Alsace-Moselle
    ['2026-04-06T12:00:00+02:00', false], // Easter Monday
    ['2026-05-14T12:00:00+02:00', false], // Ascension
    ['2026-05-25T12:00:00+02:00', false], // Whit Monday
    ['2026-07-14T12:00:00+02:00', false],
    ['2026-11-11T12:00:00+01:00', false],
    ['2026-12-25T12:00:00+01:00', false],
    ['2026-12-26T12:00:00+01:00', false], // Saturday; Saint Stephen's is Alsace-Moselle only
    ['2026-12-28T12:00:00+01:00', true],
    ['2027-03-29T12:00:00+02:00', false], // Easter Monday
    ['2027-11-01T12:00:00+01:00', false], // All Saints, Monday
    ['2028-08-15T12:00:00+02:00', false], // Assumption, Tuesday
    ['2026-05-13T23:59:59+02:00', true], // the last second before Ascension
    ['2026-05-14T00:00:00+02:00', false], // Ascension's first second, 13 May in UTC
  ])('%s → %s', (date, expected) => {
    expect(isBusinessDay(new Date(date))).toBe(expected)
  })
})
