import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor, labToken, labWithClient } from '../helpers/auth.ts'
import { aFiness, aSiret } from '../helpers/builders.ts'

// The structures routes: a public read of one structure, and the support desk's search, creation and
// corrections.

type Headers = { authorization: string }
let t: TestApp
let support: Headers
let person: Headers
let lab: Headers

beforeAll(async () => {
  t = await createTestApp()
  support = await bearerFor(t.app, ['support'])
  person = await bearerFor(t.app)
  lab = await labToken(t.app, await labWithClient(t.app, 'lab-structures'))
})

afterAll(() => t.close())

/** A word no other structure has: the search finds exactly what a test made. */
const aWord = () =>
  `Zé${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`
/** Well-shaped, but its check digit is wrong. */
const wrongCheckDigit = (number: string) => `${number.slice(0, -1)}${(Number(number.at(-1)) + 1) % 10}`

const create = (payload: object, headers: Headers | null = support) =>
  t.app.inject({ method: 'POST', url: '/v1/admin/structures', ...(headers && { headers }), payload })
const patch = (id: string, payload: object, headers: Headers | null = support) =>
  t.app.inject({ method: 'PATCH', url: `/v1/admin/structures/${id}`, ...(headers && { headers }), payload })
const search = (query: string, headers: Headers | null = support) =>
  t.app.inject({ url: `/v1/admin/structures?${query}`, ...(headers && { headers }) })

async function aStructure(fields: object = {}) {
  const created = await create({ kind: 'practice', name: `Cabinet ${aWord()}`, finess: aFiness(), ...fields })
  expect(created.statusCode, created.body).toBe(201)
  return created.json() as { id: string; name: string; finess: string }
}

const expectProblem = (
  response: { statusCode: number; headers: Record<string, unknown> },
  status: number,
) => {
  expect(response.statusCode).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
}

describe('support creates and corrects structures', () => {
  it('creates one: 201 with its location, the SIREN and department derived, audited', async () => {
    const siret = aSiret()
    const finess = aFiness()
    const created = await create({
      kind: 'clinic',
      name: 'Clinique des Lices',
      finess,
      siret,
      address: '12 boulevard des Lices',
      postalCode: '81000',
      city: 'Albi',
      phones: ['+33563000000'],
    })
    expect(created.statusCode, created.body).toBe(201)
    const body = created.json()
    expect(created.headers.location).toBe(`/v1/structures/${body.id}`)
    expect(body).toMatchObject({
      kind: 'clinic',
      name: 'Clinique des Lices',
      finess,
      finessLegal: null,
      siret,
      siren: siret.slice(0, 9),
      postalCode: '81000',
      departmentCode: '81',
      phones: ['+33563000000'],
    })
    const audit = await t.app.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', body.id)
      .execute()
    expect(audit).toEqual([{ action: 'structure.created' }])
  })

  it('corrects one: 200 with the new values, the department following the postal code', async () => {
    const structure = await aStructure()
    const corrected = await patch(structure.id, { name: 'Cabinet de Bastia', postalCode: '20200' })
    expect(corrected.statusCode, corrected.body).toBe(200)
    expect(corrected.json()).toMatchObject({
      id: structure.id,
      name: 'Cabinet de Bastia',
      postalCode: '20200',
      departmentCode: '2B',
      finess: structure.finess,
    })
    expect((await t.app.inject({ url: `/v1/structures/${structure.id}` })).json().name).toBe(
      'Cabinet de Bastia',
    )
  })

  it('finds by words of the name or city, accents aside, by FINESS, page by page', async () => {
    const word = aWord()
    const made = [
      await aStructure({ name: `Cabinet ${word} Nord` }),
      await aStructure({ name: `Cabinet ${word} Sud` }),
      await aStructure({ name: 'Maison de santé', city: `${word}-les-Bains` }),
    ]
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await search(
        `q=${encodeURIComponent(word.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase())}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.statusCode, page.body).toBe(200)
      seen.push(...page.json().items.map((row: { id: string }) => row.id))
      cursor = page.json().nextCursor
    } while (cursor)
    expect(seen.sort()).toEqual(made.map((row) => row.id).sort())
    const byFiness = (await search(`q=${made[0]!.finess}`)).json().items
    expect(byFiness.map((row: { id: string }) => row.id)).toEqual([made[0]!.id])
  })

  it('reads one structure publicly; an unknown one is 404, a malformed id 400', async () => {
    const structure = await aStructure()
    const read = await t.app.inject({ url: `/v1/structures/${structure.id}` })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toMatchObject({ id: structure.id, name: structure.name })
    expectProblem(await t.app.inject({ url: '/v1/structures/00000000-0000-4000-8000-000000000000' }), 404)
    expectProblem(await t.app.inject({ url: '/v1/structures/not-a-uuid' }), 400)
  })
})

describe('what the support desk is refused', () => {
  it('a FINESS or SIRET with a wrong check digit is 422 invalid_identifier, naming the field', async () => {
    const refused = await create({ kind: 'practice', name: 'Cabinet', siret: wrongCheckDigit(aSiret()) })
    expectProblem(refused, 422)
    expect(refused.json()).toMatchObject({
      code: 'invalid_identifier',
      errors: [expect.objectContaining({ field: 'siret' })],
    })
    const structure = await aStructure()
    const corrected = await patch(structure.id, { finessLegal: wrongCheckDigit(aFiness()) })
    expectProblem(corrected, 422)
    expect(corrected.json().errors).toEqual([expect.objectContaining({ field: 'finessLegal' })])
  })

  it('a FINESS or SIRET another structure has is 409 structure_exists, at creation and correction', async () => {
    const siret = aSiret()
    const first = await aStructure({ siret })
    const second = await aStructure()
    const twin = await create({ kind: 'practice', name: 'Jumeau', finess: first.finess })
    expectProblem(twin, 409)
    expect(twin.json().code).toBe('structure_exists')
    const taken = await patch(second.id, { siret })
    expectProblem(taken, 409)
    expect(taken.json().code).toBe('structure_exists')
  })

  it('an unknown structure is 404; an empty correction, unknown fields, control characters are 400', async () => {
    expectProblem(await patch('00000000-0000-4000-8000-000000000000', { name: 'Cabinet' }), 404)
    const structure = await aStructure()
    for (const [what, response] of [
      ['an empty correction', await patch(structure.id, {})],
      ['an unknown field', await patch(structure.id, { owner: 'me' })],
      ['a control character', await patch(structure.id, { name: 'Cabinet\u0007' })],
      ['an unknown kind', await create({ kind: 'castle', name: 'Château' })],
      ['a control character', await create({ kind: 'practice', name: 'Cabinet\u0000' })],
      ['a control character in the search', await search('q=%00')],
    ] as const)
      expect(response.statusCode, what).toBe(400)
  })
})

describe('who may not use the support desk’s structure routes', () => {
  it('a person without the support role and a lab get 403, a signed-out caller 401; nothing changes', async () => {
    const structure = await aStructure()
    for (const [who, headers, status] of [
      ['a person', person, 403],
      ['a lab', lab, 403],
      ['a signed-out caller', null, 401],
    ] as const) {
      expectProblem(await search('q=Cabinet', headers), status)
      expectProblem(await create({ kind: 'practice', name: `Par ${who}` }, headers), status)
      expectProblem(await patch(structure.id, { name: `Par ${who}` }, headers), status)
    }
    const after = (await t.app.inject({ url: `/v1/structures/${structure.id}` })).json()
    expect(after.name).toBe(structure.name)
    const created = await t.app.deps.db
      .selectFrom('structures')
      .select('id')
      .where('name', 'like', 'Par %')
      .execute()
    expect(created).toEqual([])
  })
})
