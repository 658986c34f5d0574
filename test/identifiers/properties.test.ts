import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkIdentifier,
  IDENTIFIER_TYPES,
  type IdentifierType,
  LA_POSTE_SIREN,
  normalizeIdentifier,
  withLuhnCheckDigit,
} from '../../src/identifiers/rules.ts'

/** Bodies (the number without its check digit) that make numbers following Luhn. */
const LUHN_BODIES: Record<IdentifierType, fc.Arbitrary<string>> = {
  rpps: fc.stringMatching(/^[0-9]{10}$/),
  adeli: fc.stringMatching(/^[0-9]{8}$/),
  finess: fc.stringMatching(/^[0-9]{8}$/),
  siren: fc.stringMatching(/^[0-9]{8}$/),
  // La Poste SIRETs follow a digit sum instead.
  siret: fc.stringMatching(/^[0-9]{13}$/).filter((body) => !body.startsWith(LA_POSTE_SIREN)),
}

const validNumber = (type: IdentifierType) => LUHN_BODIES[type].map(withLuhnCheckDigit)

/** A valid number, a digit position in it, and a different digit for that position. */
const singleDigitChange = (type: IdentifierType) =>
  validNumber(type).chain((number) =>
    fc.record({
      number: fc.constant(number),
      position: fc.nat({ max: number.length - 1 }),
      shift: fc.integer({ min: 1, max: 9 }),
    }),
  )

const SEPARATOR = fc.constantFrom(' ', '.', '\u00a0', '\u202f', '\t')

/** `text` with runs of spaces and dots inserted before, between and after its characters. */
const withSeparators = (text: string) =>
  fc
    .array(fc.array(SEPARATOR, { maxLength: 3 }), { minLength: text.length + 1, maxLength: text.length + 1 })
    .map((runs) => runs.map((run, i) => run.join('') + (text[i] ?? '')).join(''))

/** Valid numbers, near misses and noise, so that every verdict shows up. */
const candidate = (type: IdentifierType) =>
  fc.oneof(
    validNumber(type),
    fc.stringMatching(/^[0-9]{8,15}$/),
    fc.stringMatching(/^2[ABab][0-9]{7}$/),
    fc.string({ maxLength: 16 }),
  )

describe.each(IDENTIFIER_TYPES)('%s', (type) => {
  it('accepts every number built with withLuhnCheckDigit', () => {
    fc.assert(
      fc.property(validNumber(type), (number) => {
        expect(checkIdentifier(type, number)).toMatchObject({ valid: true, checkDigit: 'verified' })
      }),
    )
  })

  it('refuses every single-digit change of a valid number on its check digit', () => {
    fc.assert(
      fc.property(singleDigitChange(type), ({ number, position, shift }) => {
        const digit = String((Number(number[position]) + shift) % 10)
        const changed = number.slice(0, position) + digit + number.slice(position + 1)
        // A change may land on a La Poste SIRET, which follows another rule.
        fc.pre(type !== 'siret' || !changed.startsWith(LA_POSTE_SIREN))
        expect(checkIdentifier(type, changed)).toMatchObject({ valid: false, reason: 'check_digit' })
      }),
    )
  })

  it('gives the same verdict whatever spaces and dots are inserted', () => {
    fc.assert(
      fc.property(
        candidate(type).chain((text) => fc.tuple(fc.constant(text), withSeparators(text))),
        ([text, spaced]) => {
          expect(checkIdentifier(type, spaced)).toEqual({ ...checkIdentifier(type, text), input: spaced })
        },
      ),
    )
  })
})

describe('normalisation', () => {
  it('is idempotent, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const normalized = normalizeIdentifier(text)
        expect(normalizeIdentifier(normalized)).toBe(normalized)
      }),
    )
  })

  it('ignores inserted spaces and dots', () => {
    fc.assert(
      fc.property(
        fc.string().chain((text) => fc.tuple(fc.constant(text), withSeparators(text))),
        ([text, spaced]) => {
          expect(normalizeIdentifier(spaced)).toBe(normalizeIdentifier(text))
        },
      ),
    )
  })
})
