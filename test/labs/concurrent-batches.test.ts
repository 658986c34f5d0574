import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { labToken, labWithClient } from '../helpers/auth.ts'
import { aCorrespondent, aFiness } from '../helpers/builders.ts'

let t: TestApp
let lab: { authorization: string }

beforeAll(async () => {
  t = await createTestApp()
  lab = await labToken(t.app, await labWithClient(t.app, 'eurofins'))
})
afterAll(() => t.close())

const BATCHES = 6

/** The same batch sent several times at once, each with its own Idempotency-Key. */
const atOnce = (path: string, payload: object) =>
  Promise.all(
    Array.from({ length: BATCHES }, (_, index) =>
      t.app.inject({
        method: 'PUT',
        url: `/v1/labs/eurofins/${path}`,
        headers: { ...lab, 'idempotency-key': `race-${randomUUID()}-${index}` },
        payload,
      }),
    ),
  )

describe('a lab system sending concurrent batches that name the same new codes', () => {
  it('gets every centre batch through: one creates each code, the others find it there', async () => {
    // Reversed in half of them, so that batches would lock the rows in opposite orders.
    const items = ['NEW1', 'NEW2', 'NEW3'].map((code) => ({ code, name: `Centre ${code}` }))
    const responses = await Promise.all([
      atOnce('centers', { items }),
      atOnce('centers', { items: [...items].reverse() }),
    ])
    const answers = responses.flat()
    expect(answers.map((response) => response.statusCode)).toEqual(answers.map(() => 200))
    const results = answers.map((response) => response.json())
    expect(results.reduce((sum, result) => sum + result.created, 0)).toBe(3)
    expect(results.every((result) => result.created + result.updated + result.unchanged === 3)).toBe(true)
    const rows = await t.app.deps.db
      .selectFrom('lab_centers')
      .select('code')
      .where('lab_id', '=', 'eurofins')
      .execute()
    expect(rows.map((row) => row.code).sort()).toEqual(['NEW1', 'NEW2', 'NEW3'])
  })

  it('gets every correspondent batch through, with one structure per FINESS', async () => {
    const finess = [aFiness(), aFiness()]
    const items = ['C-RACE-1', 'C-RACE-2'].map((code, index) => {
      const item = aCorrespondent(code)
      return { ...item, structure: { ...item.structure, finess: finess[index] } }
    })
    const answers = (
      await Promise.all([
        atOnce('correspondents', { items }),
        atOnce('correspondents', { items: [...items].reverse() }),
      ])
    ).flat()
    expect(answers.map((response) => response.statusCode)).toEqual(answers.map(() => 200))
    expect(answers.reduce((sum, response) => sum + response.json().created, 0)).toBe(2)
    const structures = await t.app.deps.db
      .selectFrom('structures')
      .select('finess')
      .where('finess', 'in', finess)
      .execute()
    expect(structures).toHaveLength(2)
  })

  it('counts a change as updated and a repeat as unchanged', async () => {
    const item = { code: 'NEW1', name: 'Centre renommé' }
    const send = (key: string, payload: object) =>
      t.app.inject({
        method: 'PUT',
        url: '/v1/labs/eurofins/centers',
        headers: { ...lab, 'idempotency-key': key },
        payload,
      })
    expect((await send('rename-1', { items: [item] })).json()).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    })
    expect((await send('rename-2', { items: [item] })).json()).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1,
    })
  })
})
