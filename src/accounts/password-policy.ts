/**
 * Password policy after NIST SP 800-63B and the CNIL recommendation: a length range and a
 * guessability estimate, no composition rules ("one digit, one symbol") which only breed `Password1!`.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as zxcvbnCommon from '@zxcvbn-ts/language-common'
import * as zxcvbnFr from '@zxcvbn-ts/language-fr'

export interface PasswordContext {
  email?: string
  firstName?: string
  lastName?: string
}

export type PasswordProblem = 'too_short' | 'too_long' | 'mismatch' | 'too_weak' | 'contains_personal_data'

export interface PasswordVerdict {
  ok: boolean
  problems: { code: PasswordProblem; message: string }[]
}

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 128
/** zxcvbn score 3: "safely unguessable", about 10^8 guesses or more. */
const MIN_SCORE = 3
/** Personal data shorter than this ("Li", "Bo") would refuse too many innocent passwords. */
const MIN_PERSONAL_DATA_LENGTH = 3

const messages: Record<PasswordProblem, string> = {
  too_short: `Use at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `Use at most ${MAX_PASSWORD_LENGTH} characters`,
  mismatch: 'The two passwords do not match',
  too_weak: 'This password is too easy to guess: try a few unrelated words',
  contains_personal_data: 'Do not use your name or email address in your password',
}

/** Normalised so that the same password typed on another keyboard or OS still matches its hash. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

// Building the ranked dictionaries takes a few hundred milliseconds: done once, on first use.
let zxcvbn: ZxcvbnFactory | undefined
function estimator(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    // The common graphs include azerty, the French layout.
    graphs: zxcvbnCommon.adjacencyGraphs,
    // The default (100) lets a long password full of l33t characters cost ~0.5 s of CPU.
    l33tMaxSubstitutions: 10,
  })
  return zxcvbn
}

/** Lower case, no accents, letters and digits only: "Hélène" and "h-e-l-e-n-e" both become "helene". */
function fold(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]/gu, '')
}

function personalData(context: PasswordContext): string[] {
  const localPart = context.email?.split('@')[0]
  return [context.firstName, context.lastName, localPart]
    .map((value) => fold(value ?? ''))
    .filter((value) => value.length >= MIN_PERSONAL_DATA_LENGTH)
}

/** Every problem with the password at once, so that the person can fix them in one go. */
export function checkPassword(
  password: string,
  confirmation: string | undefined,
  context: PasswordContext,
): PasswordVerdict {
  const normalized = normalizePassword(password)
  const length = [...normalized].length
  const codes: PasswordProblem[] = []

  if (length < MIN_PASSWORD_LENGTH) codes.push('too_short')
  if (length > MAX_PASSWORD_LENGTH) codes.push('too_long')

  const personal = personalData(context)
  // An over-long password is refused anyway; estimating it would only spend CPU for an attacker.
  if (length <= MAX_PASSWORD_LENGTH) {
    const userInputs = [context.firstName, context.lastName, context.email, ...personal].filter(
      (value): value is string => !!value,
    )
    if (estimator().check(normalized, userInputs).score < MIN_SCORE) codes.push('too_weak')
  }
  const folded = fold(normalized)
  if (personal.some((value) => folded.includes(value))) codes.push('contains_personal_data')
  if (confirmation !== undefined && normalizePassword(confirmation) !== normalized) codes.push('mismatch')

  return { ok: codes.length === 0, problems: codes.map((code) => ({ code, message: messages[code] })) }
}
