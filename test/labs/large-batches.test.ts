import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { labToken, labWithClient } from '../helpers/auth.ts'
import { aCorrespondent } from '../helpers/builders.ts'

let t: TestApp
let lab: { authorization: string }

beforeAll(async () => {
  t = await createTestApp()
  lab = await labToken(t.app, await labWithClient(t.app, 'cerballiance'))
})
afterAll(() => t.close())

describe('a lab system sending the largest batch the API takes', () => {
  it('gets 20,000 correspondents through, each at a structure the service did not know yet', async () => {
    const items = Array.from({ length: 20_000 }, (_, index) => aCorrespondent(`BIG${index}`))
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/labs/cerballiance/correspondents',
      headers: { ...lab, 'idempotency-key': 'largest-batch' },
      payload: { items },
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ created: 20_000, updated: 0, unchanged: 0 })
    const { count } = await t.app.deps.db
      .selectFrom('structures')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where(
        'finess',
        'in',
        items.map((item) => item.structure.finess),
      )
      .executeTakeFirstOrThrow()
    // One structure per FINESS named (the builder's numbers may repeat in 20,000).
    expect(Number(count)).toBe(new Set(items.map((item) => item.structure.finess)).size)
  }, 120_000)

  it('refuses one item more with a 400 problem', async () => {
    const items = Array.from({ length: 20_001 }, (_, index) => aCorrespondent(`OVER${index}`))
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/labs/cerballiance/correspondents',
      headers: { ...lab, 'idempotency-key': 'over-the-limit' },
      payload: { items },
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
  }, 120_000)
})
