import { describe, expect, it } from 'vitest'
import {
  checkIdentifier,
  IDENTIFIER_TYPES,
  isValidIdentifier,
  LA_POSTE_SIREN,
  luhnCheckDigit,
  luhnIsValid,
  normalizeIdentifier,
  sirenOf,
  withLuhnCheckDigit,
} from '../../src/identifiers/rules.ts'

/** `number` with its last digit replaced by the next one, so its Luhn check digit is wrong. */
function wrongCheckDigit(number: string): string {
  return number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10)
}

/** What to expect of a check: `reason` is absent, not undefined, when the number is valid. */
function verdict(valid: boolean, reason: string | undefined) {
  return reason === undefined ? { valid } : { valid, reason }
}

const RPPS = withLuhnCheckDigit('1000000000') // 10000000009
const ADELI = withLuhnCheckDigit('75123456') // 751234568
const FINESS = withLuhnCheckDigit('75071218') // 750712184 (AP-HP)

describe('normalisation', () => {
  it.each([
    ['digits unchanged', '10000000009', '10000000009'],
    ['spaces and dots stripped', ' 1 00.00 00.00 09 ', '10000000009'],
    ['tabs and newlines stripped', '100\t000\n00009', '10000000009'],
    ['non-breaking spaces stripped', '100\u00a0000\u202f00009', '10000000009'],
    ['letters uppercased', '2a 000 000 0', '2A0000000'],
    ['other characters kept', '100-000', '100-000'],
    ['whitespace only becomes empty', ' \u00a0. ', ''],
  ])('%s', (_name, input, normalized) => {
    expect(normalizeIdentifier(input)).toBe(normalized)
  })
})

describe('Luhn', () => {
  it.each([
    ['SIREN 732829320', '732829320', true],
    ['SIREN 732829321', '732829321', false],
    ['SIRET 73282932000074', '73282932000074', true],
    ['SIRET 73282932000075', '73282932000075', false],
    ['FINESS 750712184', '750712184', true],
    ['a lone 0', '0', true],
    ['a lone 1', '1', false],
    ['nothing', '', false],
    ['non-digits', '7328293A0', false],
    ['a credit card test number', '4111111111111111', true],
  ])('%s: valid is %s', (_name, digits, valid) => {
    expect(luhnIsValid(digits)).toBe(valid)
  })

  it.each([
    ['73282932', '0'],
    ['7328293200007', '4'],
    ['1000000000', '9'],
    ['75071218', '4'],
    ['0', '0'],
  ])('the check digit of %s is %s', (body, digit) => {
    expect(luhnCheckDigit(body)).toBe(digit)
    expect(withLuhnCheckDigit(body)).toBe(body + digit)
    expect(luhnIsValid(body + digit)).toBe(true)
  })

  it.each([[''], ['12a'], ['1 2']])('refuses to compute a check digit for %j', (body) => {
    expect(() => luhnCheckDigit(body)).toThrow(RangeError)
  })
})

describe('RPPS', () => {
  it.each([
    ['a computed valid number', RPPS, RPPS],
    ['spaces and dots', '1 00 00.00 00 0 9', RPPS],
    ['non-breaking spaces', '100\u00a0000\u202f00009', RPPS],
  ])('accepts %s', (_name, input, normalized) => {
    expect(checkIdentifier('rpps', input)).toEqual({
      type: 'rpps',
      input,
      normalized,
      valid: true,
      checkDigit: 'verified',
      nationalId: `8${normalized}`,
    })
  })

  it.each([
    ['a wrong check digit', wrongCheckDigit(RPPS), 'check_digit'],
    ['10 digits', RPPS.slice(1), 'length'],
    ['the 12-digit national identifier', `8${RPPS}`, 'length'],
    ['letters', '1000000000A', 'characters'],
    ['a dash', '10000-00009', 'characters'],
    ['an empty string', '', 'empty'],
    ['whitespace only', '  \u00a0 ', 'empty'],
    ['dots only', '...', 'empty'],
  ])('refuses %s (%s)', (_name, input, reason) => {
    const check = checkIdentifier('rpps', input)
    expect(check).toMatchObject({ valid: false, reason, checkDigit: 'not_verified' })
    expect(check.message).toBeTruthy()
    expect(check.nationalId).toBeUndefined()
  })

  it.each([
    ['empty', '', 'An RPPS number has 11 digits; none was given'],
    ['characters', '1000000000A', 'An RPPS number has 11 digits; this one has other characters'],
    ['length', '1000000000', 'An RPPS number has 11 digits; this one has 10'],
    ['check_digit', wrongCheckDigit(RPPS), 'The check digit does not match'],
  ])('explains a refusal for %s', (_reason, input, message) => {
    expect(checkIdentifier('rpps', input).message).toBe(message)
  })

  it.each([
    ['off by default', {}, false],
    ['off when false', { acceptAnyRppsCheckDigit: false }, false],
    ['on when asked', { acceptAnyRppsCheckDigit: true }, true],
  ])('accepting any check digit is %s', (_name, options, valid) => {
    expect(isValidIdentifier('rpps', wrongCheckDigit(RPPS), options)).toBe(valid)
  })

  it.each([
    ['a wrong check digit, not verified', wrongCheckDigit(RPPS), 'not_verified'],
    ['a right check digit, still verified', RPPS, 'verified'],
  ])('accepting any check digit accepts %s', (_name, input, checkDigit) => {
    expect(checkIdentifier('rpps', input, { acceptAnyRppsCheckDigit: true })).toMatchObject({
      valid: true,
      checkDigit,
      nationalId: `8${input}`,
    })
  })

  it.each([
    ['length', '1000000000'],
    ['characters', '1000000000A'],
  ])('accepting any check digit still refuses bad %s', (reason, input) => {
    expect(checkIdentifier('rpps', input, { acceptAnyRppsCheckDigit: true }).reason).toBe(reason)
  })
})

describe('ADELI', () => {
  it.each([
    ['a computed valid number', ADELI, true, undefined],
    ['spaces', '75 123 456 8', true, undefined],
    ['a wrong check digit', wrongCheckDigit(ADELI), false, 'check_digit'],
    ['8 digits', ADELI.slice(1), false, 'length'],
    ['10 digits', `0${ADELI}`, false, 'length'],
    ['letters', '75123456A', false, 'characters'],
    ['nothing', '', false, 'empty'],
  ])('%s, %j: valid is %s', (_name, input, valid, reason) => {
    expect(checkIdentifier('adeli', input)).toMatchObject(verdict(valid, reason))
  })

  it('gives the national identifier 0 + ADELI', () => {
    expect(checkIdentifier('adeli', ADELI)).toMatchObject({ checkDigit: 'verified', nationalId: `0${ADELI}` })
  })

  it.each(['finess', 'siren', 'siret'] as const)('gives no national identifier for %s', (type) => {
    expect(
      checkIdentifier(type, type === 'siret' ? '73282932000074' : '750712184').nationalId,
    ).toBeUndefined()
  })
})

describe('FINESS', () => {
  it.each([
    ['a computed all-digit number', FINESS, FINESS, 'verified'],
    ['spaced', '75 071 218 4', FINESS, 'verified'],
    ['Corsica-du-Sud', '2A0000000', '2A0000000', 'not_applicable'],
    ['Haute-Corse', '2B0001234', '2B0001234', 'not_applicable'],
    ['lowercase Corsica', '2a 000 000 0', '2A0000000', 'not_applicable'],
    ['lowercase Haute-Corse', '2b0001234', '2B0001234', 'not_applicable'],
  ])('accepts %s', (_name, input, normalized, checkDigit) => {
    expect(checkIdentifier('finess', input)).toEqual({
      type: 'finess',
      input,
      normalized,
      valid: true,
      checkDigit,
    })
  })

  it.each([
    ['an all-digit number with a wrong check digit', wrongCheckDigit(FINESS), 'check_digit'],
    ['A after a first digit other than 2', '1A0000000', 'characters'],
    ['B after a first digit other than 2', '7B0000000', 'characters'],
    ['a letter first', 'A20000000', 'characters'],
    ['a letter at the end', '2A000000A', 'characters'],
    ['a letter in the middle', '20000A000', 'characters'],
    ['a letter other than A or B', '2C0000000', 'characters'],
    ['8 characters', '2A000000', 'length'],
    ['8 digits', FINESS.slice(1), 'length'],
    ['10 characters', '2A00000000', 'length'],
    ['nothing', ' ', 'empty'],
  ])('refuses %s (%s)', (_name, input, reason) => {
    expect(checkIdentifier('finess', input)).toMatchObject({ valid: false, reason })
  })
})

describe('SIREN', () => {
  it.each([
    ['732829320', true, undefined],
    ['732 829 320', true, undefined],
    [LA_POSTE_SIREN, true, undefined],
    ['732829321', false, 'check_digit'],
    ['73282932', false, 'length'],
    ['7328293200', false, 'length'],
    ['73282932O', false, 'characters'],
    ['', false, 'empty'],
  ])('%j: valid is %s', (input, valid, reason) => {
    expect(checkIdentifier('siren', input)).toMatchObject(verdict(valid, reason))
  })
})

describe('SIRET', () => {
  it.each([
    ['73282932000074', true, undefined],
    ['732 829 320 00074', true, undefined],
    ['73282932000075', false, 'check_digit'],
    ['7328293200007', false, 'length'],
    ['732829320000740', false, 'length'],
    ['7328293200007A', false, 'characters'],
    ['', false, 'empty'],
  ])('%j: valid is %s', (input, valid, reason) => {
    expect(checkIdentifier('siret', input)).toMatchObject(verdict(valid, reason))
  })

  // La Poste: the digit sum must be a multiple of 5, and Luhn does not count.
  it.each([
    ['35600000000001', 15, false, true, undefined],
    ['35600000049837', 45, false, true, undefined],
    ['35600000000006', 20, true, true, undefined],
    ['35600000000011', 16, false, false, 'check_digit'],
    ['35600000000014', 19, true, false, 'check_digit'],
    ['35600000000089', 31, true, false, 'check_digit'],
  ])('La Poste SIRET %s: digit sum %i, Luhn %s, valid is %s', (siret, sum, luhn, valid, reason) => {
    expect([...siret].reduce((total, digit) => total + Number(digit), 0)).toBe(sum)
    expect(luhnIsValid(siret)).toBe(luhn)
    expect(checkIdentifier('siret', siret)).toMatchObject(verdict(valid, reason))
  })

  it("accepts La Poste's head office, which keeps Luhn though its digit sum is 26", () => {
    expect(luhnIsValid('35600000000048')).toBe(true)
    expect(checkIdentifier('siret', '35600000000048')).toMatchObject({ valid: true, checkDigit: 'verified' })
  })

  it('does not require the SIREN part to pass Luhn on its own', () => {
    const siret = withLuhnCheckDigit('7328293210007')
    expect(luhnIsValid(sirenOf(siret))).toBe(false)
    expect(isValidIdentifier('siret', siret)).toBe(true)
  })

  it.each([
    ['73282932000074', '732829320'],
    ['732 829 320 00074', '732829320'],
    ['35600000000001', LA_POSTE_SIREN],
    ['73282932000075', '732829320'],
  ])('the SIREN of %j is %s', (siret, siren) => {
    expect(sirenOf(siret)).toBe(siren)
  })

  it.each([['732829320'], ['7328293200007A'], ['']])('has no SIREN for %j', (siret) => {
    expect(() => sirenOf(siret)).toThrow(RangeError)
  })
})

describe('every type', () => {
  it.each(IDENTIFIER_TYPES)('%s keeps the raw input and gives reason and message only on refusal', (type) => {
    const refused = checkIdentifier(type, ' x ')
    expect(refused).toMatchObject({ type, input: ' x ', normalized: 'X', valid: false, reason: 'characters' })
    expect(refused.message).toMatch(/^An? [A-Z]+ number has \d+ (digits|characters)/)
    const accepted = checkIdentifier(
      type,
      { rpps: RPPS, adeli: ADELI, finess: FINESS, siren: '732829320', siret: '73282932000074' }[type],
    )
    expect(accepted.valid).toBe(true)
    expect(accepted).not.toHaveProperty('reason')
    expect(accepted).not.toHaveProperty('message')
  })
})
