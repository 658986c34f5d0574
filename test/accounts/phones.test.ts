import { describe, expect, it } from 'vitest'
import { normalizePhone } from '../../src/accounts/phones.ts'

describe('normalizePhone', () => {
  it.each([
    // input, E.164
    ['06 12 34 56 78', '+33612345678'],
    ['0612345678', '+33612345678'],
    ['06.12.34.56.78', '+33612345678'],
    ['06-12-34-56-78', '+33612345678'],
    [' 06 12 34 56 78 ', '+33612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+33612345678', '+33612345678'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['07 81 23 45 67', '+33781234567'],
    ['01 42 68 53 00', '+33142685300'],
    ['0142685300', '+33142685300'],
    ['+33 1 42 68 53 00', '+33142685300'],
    ['04 78 12 34 56', '+33478123456'],
    ['+262 692 12 34 56', '+262692123456'], // Réunion mobile
    ['+262 262 12 34 56', '+262262123456'], // Réunion landline
    ['+590 690 12 34 56', '+590690123456'], // Guadeloupe mobile
    ['+32 2 511 22 33', '+3225112233'], // Brussels landline
    ['+32 470 12 34 56', '+32470123456'], // Belgian mobile
  ])('%s → %s', (input, e164) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164 })
  })

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['06 12 34', 'too short'],
    ['06 12 34 56 78 9', 'too long'],
    ['abcdefgh', 'letters only'],
    ['06 12 AB 56 78', 'letters among the digits'],
    ['call me at 06 12 34 56 78', 'a number inside a sentence'],
    ['00 00 00 00 00', 'not a French number'],
    ['+32 2 123 45 67', 'Brussels numbers do not start with 1'],
    ['0692 12 34 56', 'Réunion dialled nationally, read as metropolitan France'],
    ['+999 123 456 789', 'no such country code'],
  ])('refuses %j (%s)', (input) => {
    const result = normalizePhone(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(/^[A-Z]/)
  })
})
