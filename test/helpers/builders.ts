import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'

let sequence = 0
const next = () =>
  String(++sequence + Math.floor(Math.random() * 1e6))
    .padStart(7, '0')
    .slice(-7)

/** Valid identifiers, different each call. */
export const aFiness = () => withLuhnCheckDigit(`75${next()}`.slice(0, 8))
export const aSiret = () => withLuhnCheckDigit(`4${next()}${next()}`.slice(0, 13))
export const anRpps = () => withLuhnCheckDigit(`10${next()}${next()}`.slice(0, 10))

export function aCorrespondent(code: string, overrides: Record<string, unknown> = {}) {
  return {
    code,
    name: `Cabinet ${code}`,
    active: true,
    structure: {
      finess: aFiness(),
      name: `Cabinet médical ${code}`,
      address: '12 rue des Lilas',
      postalCode: '81000',
      city: 'Albi',
    },
    ...overrides,
  }
}
