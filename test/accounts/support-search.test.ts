import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, bearerFor } from '../helpers/auth.ts'

let t: TestApp
let support: { authorization: string }
const accounts: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestApp()
  support = await bearerFor(t.app, ['support'])
  for (const [firstName, lastName] of [
    ['Hélène', 'Dupont-Lefèvre'],
    ['Jean-Pierre', "N'Diaye"],
    ['Jean', 'Martin'],
  ] as const) {
    const { id } = await anAccount(t.app)
    await t.app.deps.db
      .updateTable('accounts')
      .set({ first_name: firstName, last_name: lastName })
      .where('id', '=', id)
      .execute()
    accounts[`${firstName} ${lastName}`] = id
  }
  for (const [name, city, postalCode] of [
    ['Cabinet médical des Lices', 'Albi', '81000'],
    ['Clinique du Château', 'Ajaccio', '20000'],
    ['Pharmacie Saint-Jean', 'Albi', '81000'],
  ]) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/structures',
      headers: support,
      payload: { kind: 'other', name, city, postalCode },
    })
    expect(response.statusCode, response.body).toBe(201)
  }
})
afterAll(() => t.close())

const search = (path: string, q: string, headers: Record<string, string> = support) =>
  t.app.inject({ url: `${path}?${new URLSearchParams({ q })}`, headers })

describe('the support desk finds accounts by the words of their names, in any order', () => {
  it.each([
    ['helene dupont', ['Hélène Dupont-Lefèvre']],
    ['LEFEVRE', ['Hélène Dupont-Lefèvre']],
    ['dupont-lef hel', ['Hélène Dupont-Lefèvre']],
    ['jean pierre', ["Jean-Pierre N'Diaye"]],
    ["n'diaye", ["Jean-Pierre N'Diaye"]],
    ['ndiaye jean', ["Jean-Pierre N'Diaye"]],
    ['jean', ['Jean Martin', "Jean-Pierre N'Diaye"]],
    ['dupont jean', []],
  ])('%s', async (q, names) => {
    const response = await search('/v1/admin/accounts', q)
    expect(response.statusCode, response.body).toBe(200)
    const found = response.json().items.map((item: { id: string }) => item.id)
    expect(found.sort()).toEqual(names.map((name) => accounts[name]).sort())
  })
})

describe('the support desk finds structures by the words of their name, city or postal code', () => {
  it.each([
    ['lices albi', ['Cabinet médical des Lices']],
    ['chateau', ['Clinique du Château']],
    ['medical cab', ['Cabinet médical des Lices']],
    ['albi', ['Cabinet médical des Lices', 'Pharmacie Saint-Jean']],
    ['saint jean 81000', ['Pharmacie Saint-Jean']],
    ['20000', ['Clinique du Château']],
    ['chateau albi', []],
  ])('%s', async (q, names) => {
    const response = await search('/v1/admin/structures', q)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().items.map((item: { name: string }) => item.name)).toEqual(names)
  })
})

describe('who may not search, and what is refused', () => {
  it.each(['/v1/admin/accounts', '/v1/admin/structures'])(
    '%s: a person without the support role, anyone anonymous',
    async (path) => {
      expect((await search(path, 'albi', await bearerFor(t.app, []))).statusCode).toBe(403)
      expect((await search(path, 'albi', {})).statusCode).toBe(401)
    },
  )

  it.each(['/v1/admin/accounts', '/v1/admin/structures'])(
    '%s: control characters are a 400 problem',
    async (path) => {
      const response = await search(path, 'albi\u0000')
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(response.json().errors[0].field).toBe('q')
    },
  )
})
