import { describe, expect, it } from 'vitest'
import {
  checkPassword,
  normalizePassword,
  type PasswordContext,
  type PasswordProblem,
} from '../../src/accounts/password-policy.ts'

const helene: PasswordContext = { firstName: 'Hélène', lastName: 'Dupont', email: 'hdupont.med@example.fr' }
const strong = 'kR7#vQ2!mZp9'
const long = 'Cheval agrafe batterie correcte, sept lunes vertes; '.repeat(3)

const codes = (password: string, confirmation?: string, context: PasswordContext = {}) =>
  checkPassword(password, confirmation, context).problems.map((problem) => problem.code)

describe('normalizePassword', () => {
  it.each([
    ['ﬁchier', 'fichier'], // ligature
    ['cafe\u0301', 'café'], // e + combining acute accent
    ['ｐａｓｓ', 'pass'], // full-width letters
    ['déjà', 'déjà'],
  ])('%s becomes %s', (input, expected) => {
    expect(normalizePassword(input)).toBe(expected)
  })
})

describe('checkPassword', () => {
  it.each<[string, string, PasswordProblem[]]>([
    ['11 characters', 'kR7#vQ2!mZp', ['too_short']],
    ['12 strong characters', strong, []],
    ['128 characters', long.slice(0, 128), []],
    ['129 characters', long.slice(0, 129), ['too_long']],
    ['12 code points with the ﬁ ligature, 11 before normalisation', 'ﬁR7#vQ2!mZp', []],
    ['a combining accent merged by NFKC, 12 code points down to 11', 'e\u0301R7#vQ2!mZp', ['too_short']],
    ['emoji counted as one character each', '🔑🌵R7#vQ2!mZp9', []],
    ['11 code points, 12 UTF-16 units', '🔑R7#vQ2!mZp', ['too_short']],
    ['a French common password', 'motdepasse123', ['too_weak']],
    ['an azerty keyboard walk', 'azertyuiop12', ['too_weak']],
    ['an English common password', 'password1234', ['too_weak']],
    ['a French word and digits', 'soleil123456', ['too_weak']],
    ['a passphrase', 'cheval agrafe batterie correcte', []],
    ['one repeated character', 'a'.repeat(20), ['too_weak']],
  ])('%s', (_case, password, expected) => {
    expect(codes(password)).toEqual(expected)
  })

  it.each<[string, string, PasswordContext, PasswordProblem[]]>([
    ['the first name', 'Hélène cheval agrafe batterie', helene, ['contains_personal_data']],
    ['the first name without accents', 'cheval helene agrafe batterie', helene, ['contains_personal_data']],
    ['the first name in capitals', 'cheval HELENE agrafe batterie', helene, ['contains_personal_data']],
    ['the last name', 'batterie dupont agrafe cheval', helene, ['contains_personal_data']],
    ['the email local part', 'cheval hdupont.med agrafe', helene, ['contains_personal_data']],
    ['a name shorter than 3 characters', 'cheval Li agrafe batterie', { firstName: 'Li' }, []],
    ['nothing personal', 'cheval agrafe batterie correcte', helene, []],
  ])('a password containing %s', (_case, password, context, expected) => {
    expect(codes(password, undefined, context)).toEqual(expected)
  })

  it.each<[string, string | undefined, PasswordProblem[]]>([
    ['no confirmation', undefined, []],
    ['the same confirmation', strong, []],
    ['a different confirmation', `${strong}x`, ['mismatch']],
    ['an empty confirmation', '', ['mismatch']],
  ])('with %s', (_case, confirmation, expected) => {
    expect(codes(strong, confirmation)).toEqual(expected)
  })

  it('compares the confirmation after normalisation', () => {
    const composed = 'cheval agrafe café correct'
    expect(codes(composed, composed.normalize('NFD'))).toEqual([])
  })

  it('reports every problem at once, with a message for each', () => {
    const verdict = checkPassword('helene123', 'helene124', helene)
    expect(verdict.ok).toBe(false)
    expect(verdict.problems.map((problem) => problem.code)).toEqual([
      'too_short',
      'too_weak',
      'contains_personal_data',
      'mismatch',
    ])
    for (const problem of verdict.problems) expect(problem.message).toMatch(/^[A-Z].{10,}/)
  })

  it('says ok when there is no problem', () => {
    expect(checkPassword(strong, strong, helene)).toEqual({ ok: true, problems: [] })
  })

  it('stays fast once the dictionaries are loaded', () => {
    checkPassword(strong, undefined, helene)
    const start = performance.now()
    for (let i = 0; i < 10; i++) checkPassword(`cheval agrafe ${i} batterie correcte`, undefined, helene)
    expect((performance.now() - start) / 10).toBeLessThan(100)
  })
})
