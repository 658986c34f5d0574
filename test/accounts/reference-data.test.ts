import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { aPractice, type Practice, register } from '../helpers/people.ts'

// `GET /v1/terms` and `GET /v1/professions`: what a registration form reads before it posts, and what
// the registration then holds it to.

let t: TestApp
let practice: Practice

beforeAll(async () => {
  t = await createTestApp({
    env: { TERMS_VERSION: '2027-03', TERMS_URL: 'https://sesame.example.org/cgu/2027-03' },
  })
  practice = await aPractice(t)
})

afterAll(() => t.close())

const anEmail = () => `reference.${Math.random().toString(36).slice(2)}@example.org`

describe('the terms of use', () => {
  it('are the configured version and address; a registration quoting them is accepted', async () => {
    const terms = await t.app.inject({ url: '/v1/terms' })
    expect(terms.statusCode).toBe(200)
    expect(terms.json()).toEqual({ version: '2027-03', url: 'https://sesame.example.org/cgu/2027-03' })
    const registered = await register(t, practice, {
      email: anEmail(),
      extra: { termsVersion: terms.json().version },
    })
    expect(registered.statusCode, registered.body).toBe(201)
  })

  it('any other version is refused with 422 terms_outdated, and no account is made', async () => {
    const email = anEmail()
    const refused = await register(t, practice, { email, extra: { termsVersion: '2026-01' } })
    expect(refused.statusCode).toBe(422)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(refused.json().code).toBe('terms_outdated')
    expect(refused.json().detail).toContain('2027-03')
    const accounts = await t.app.deps.db
      .selectFrom('account_emails')
      .select('account_id')
      .where('address_key', '=', email)
      .execute()
    expect(accounts).toEqual([])
  })
})

describe('the profession codes', () => {
  it('list every national code once, with its French label', async () => {
    const listed = await t.app.inject({ url: '/v1/professions' })
    expect(listed.statusCode).toBe(200)
    const items = listed.json().items as { code: string; label: string }[]
    expect(items).toContainEqual({ code: '10', label: 'Médecin' })
    expect(items).toContainEqual({ code: '21', label: 'Pharmacien' })
    expect(new Set(items.map((item) => item.code)).size).toBe(items.length)
    for (const item of items) {
      expect(item.code).toMatch(/^[0-9]{2}$/)
      expect(item.label.trim()).not.toBe('')
    }
  })

  it('a professional registers with a listed code; a code not listed is a 400 naming the field', async () => {
    const listed = (await t.app.inject({ url: '/v1/professions' })).json().items as { code: string }[]
    const codes = new Set(listed.map((item) => item.code))
    const midwife = await register(t, practice, { email: anEmail(), extra: { profession: '50' } })
    expect(codes.has('50')).toBe(true)
    expect(midwife.statusCode, midwife.body).toBe(201)
    const unlisted = ['00', '99'].find((code) => !codes.has(code))!
    const refused = await register(t, practice, { email: anEmail(), extra: { profession: unlisted } })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toContainEqual(expect.objectContaining({ field: 'profession' }))
  })
})

describe('who may not change them', () => {
  it('nobody, signed in or not: any other method is a problem, never a 500, and the answers stay', async () => {
    for (const url of ['/v1/terms', '/v1/professions']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const refused = await t.app.inject({ method, url, payload: { version: '1999-01' } })
        expect(refused.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400)
        expect(refused.statusCode, `${method} ${url}`).toBeLessThan(500)
        expect(refused.headers['content-type'], `${method} ${url}`).toMatch(/^application\/problem\+json/)
      }
    }
    expect((await t.app.inject({ url: '/v1/terms' })).json().version).toBe('2027-03')
  })
})
