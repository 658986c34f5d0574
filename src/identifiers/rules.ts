/**
 * Pure rules of the identifiers of French health professionals and structures: RPPS, ADELI,
 * FINESS, SIREN, SIRET. They say whether a number is well formed, never whether it exists:
 * that is for the national directories.
 */

export const IDENTIFIER_TYPES = ['rpps', 'adeli', 'finess', 'siren', 'siret'] as const
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number]
export type RefusalReason = 'empty' | 'characters' | 'length' | 'check_digit'

export interface IdentifierCheck {
  type: IdentifierType
  /** As given. */
  input: string
  /** Spaces and dots stripped, uppercased. */
  normalized: string
  valid: boolean
  /** Only when invalid. */
  reason?: RefusalReason
  /** Only when invalid. */
  message?: string
  /**
   * `not_applicable`: a Corsican FINESS (2A, 2B), which has no computable check digit.
   * `not_verified`: an RPPS accepted under `acceptAnyRppsCheckDigit`, and every refused number.
   */
  checkDigit: 'verified' | 'not_applicable' | 'not_verified'
  /** IdNat_PS: RPPS '8' + rpps, ADELI '0' + adeli; only when valid. */
  nationalId?: string
}

export interface IdentifierOptions {
  /** For test environments: the ANS fictitious RPPS numbers fail Luhn. */
  acceptAnyRppsCheckDigit?: boolean
}

export const LA_POSTE_SIREN = '356000000'
// La Poste's head office keeps a Luhn SIRET, though its digit sum (26) is not a multiple of 5.
const LA_POSTE_HEAD_OFFICE_SIRET = '35600000000048'

interface Shape {
  length: number
  description: string
  nationalPrefix?: string
}

const SHAPES: Record<IdentifierType, Shape> = {
  rpps: { length: 11, description: 'An RPPS number has 11 digits', nationalPrefix: '8' },
  adeli: { length: 9, description: 'An ADELI number has 9 digits', nationalPrefix: '0' },
  finess: { length: 9, description: 'A FINESS number has 9 characters (digits; 2A or 2B first in Corsica)' },
  siren: { length: 9, description: 'A SIREN number has 9 digits' },
  siret: { length: 14, description: 'A SIRET number has 14 digits' },
}

// `\s` covers the non-breaking spaces (U+00A0, U+202F) that copy-pasted numbers often carry.
const SEPARATORS = /[\s.]/gu
const DIGITS = /^[0-9]+$/
// Letters only ever appear in FINESS numbers of the Corsican departments 2A and 2B.
const FINESS_CHARACTERS = /^[0-9AB]+$/
const FINESS_PATTERN = /^(?:[0-9]{9}|2[AB][0-9]{7})$/

export function normalizeIdentifier(input: string): string {
  return input.replace(SEPARATORS, '').toUpperCase()
}

export function checkIdentifier(
  type: IdentifierType,
  input: string,
  options: IdentifierOptions = {},
): IdentifierCheck {
  const normalized = normalizeIdentifier(input)
  const { length, description, nationalPrefix } = SHAPES[type]
  const refuse = (reason: RefusalReason, message: string): IdentifierCheck => ({
    type,
    input,
    normalized,
    valid: false,
    reason,
    message,
    checkDigit: 'not_verified',
  })

  if (normalized === '') return refuse('empty', `${description}; none was given`)
  const characters = type === 'finess' ? FINESS_CHARACTERS : DIGITS
  if (!characters.test(normalized)) {
    return refuse('characters', `${description}; this one has other characters`)
  }
  if (normalized.length !== length) {
    return refuse('length', `${description}; this one has ${normalized.length}`)
  }
  if (type === 'finess' && !FINESS_PATTERN.test(normalized)) {
    return refuse('characters', `${description}; this one has a letter out of place`)
  }
  const checkDigit = checkDigitOutcome(type, normalized, options)
  if (checkDigit === 'failed') return refuse('check_digit', 'The check digit does not match')

  const accepted: IdentifierCheck = { type, input, normalized, valid: true, checkDigit }
  return nationalPrefix === undefined ? accepted : { ...accepted, nationalId: nationalPrefix + normalized }
}

export function isValidIdentifier(type: IdentifierType, input: string, options?: IdentifierOptions): boolean {
  return checkIdentifier(type, input, options).valid
}

/** `number` is well formed; says how its check digit fares. */
function checkDigitOutcome(
  type: IdentifierType,
  number: string,
  options: IdentifierOptions,
): IdentifierCheck['checkDigit'] | 'failed' {
  if (type === 'finess' && !DIGITS.test(number)) return 'not_applicable'
  if (type === 'siret' && isLaPosteEstablishment(number)) {
    return digitSum(number) % 5 === 0 ? 'verified' : 'failed'
  }
  if (luhnIsValid(number)) return 'verified'
  return type === 'rpps' && options.acceptAnyRppsCheckDigit ? 'not_verified' : 'failed'
}

// La Poste numbers its establishments beyond what Luhn allows: their SIRETs use a digit sum instead.
function isLaPosteEstablishment(siret: string): boolean {
  return siret.startsWith(LA_POSTE_SIREN) && siret !== LA_POSTE_HEAD_OFFICE_SIRET
}

function digitSum(digits: string): number {
  return [...digits].reduce((sum, digit) => sum + Number(digit), 0)
}

export function luhnIsValid(digits: string): boolean {
  return DIGITS.test(digits) && luhnSum(digits) % 10 === 0
}

/** The digit to append to `body` so that the whole passes Luhn. */
export function luhnCheckDigit(body: string): string {
  if (!DIGITS.test(body)) throw new RangeError(`A Luhn body is made of digits, not "${body}"`)
  // A provisional 0 puts the body's digits where they will sit, and adds nothing to the sum.
  return String((10 - (luhnSum(`${body}0`) % 10)) % 10)
}

export function withLuhnCheckDigit(body: string): string {
  return body + luhnCheckDigit(body)
}

// Doubles every second digit from the right, starting with the one just left of the check digit.
function luhnSum(digits: string): number {
  let sum = 0
  for (let fromRight = 0; fromRight < digits.length; fromRight++) {
    const digit = Number(digits[digits.length - 1 - fromRight])
    const term = fromRight % 2 === 1 ? digit * 2 : digit
    sum += term > 9 ? term - 9 : term
  }
  return sum
}

/** The SIREN of a SIRET: its first 9 digits (the last 5 number the establishment). */
export function sirenOf(siret: string): string {
  const normalized = normalizeIdentifier(siret)
  if (!/^[0-9]{14}$/.test(normalized)) throw new RangeError(`A SIRET has 14 digits, not "${siret}"`)
  return normalized.slice(0, 9)
}
