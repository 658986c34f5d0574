import { Ajv, type ValidateFunction } from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DirectoryEstablishment, DirectoryProfessional } from '../../src/directory/schemas.ts'
import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'
import { Page } from '../../src/shared/pagination.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor } from '../helpers/auth.ts'
import { finessFile, type Person, rppsFile, rppsOf } from '../helpers/directory-files.ts'
import { buildZip } from './zip.ts'

const SITE = withLuhnCheckDigit('81000021')
const LEGAL = withLuhnCheckDigit('81000020')

let t: TestApp
let support: { authorization: string }

const helene: Person = {
  rpps: rppsOf('1000000123'),
  civility: 'MME',
  lastName: 'Dupré-Lefèvre',
  firstName: 'Hélène',
  activities: [
    { structure: 'Cabinet du Dr Dupré', finess: '', postalCode: '81000', city: 'Albi', street: 'des Lilas' },
    {
      structure: 'Clinique Toulouse-Lautrec',
      finess: SITE,
      postalCode: '81000',
      city: 'Albi',
      street: 'de la Gare',
    },
  ],
}
const loic: Person = {
  rpps: rppsOf('1000000456'),
  civility: 'M',
  lastName: "N'Diaye",
  firstName: 'Loïc',
  profession: ['21', 'Pharmacien'],
}
const henri: Person = { rpps: rppsOf('1000000789'), civility: 'M', lastName: 'Helbert', firstName: 'Henri' }

beforeAll(async () => {
  t = await createTestApp()
  support = await bearerFor(t.app, ['support'])
})
afterAll(() => t.close())

const upload = (kind: string, body: string | Buffer, type = 'text/plain') =>
  t.app.inject({
    method: 'POST',
    url: `/v1/admin/directory/imports?kind=${kind}`,
    headers: { ...support, 'content-type': type },
    payload: body,
  })
const professionals = (query: string) => t.app.inject({ url: `/v1/directory/professionals?${query}` })

describe('the RPPS directory', () => {
  it('imports the 56-column extract, reporting rejected lines with their numbers', async () => {
    const file = rppsFile(56, [helene, loic, henri], ['8|||short line|', `8||${'|'.repeat(55)}`])
    const response = await upload('rpps', file)
    expect(response.statusCode).toBe(201)
    const report = response.json()
    expect(report).toMatchObject({
      kind: 'rpps',
      status: 'succeeded',
      linesRead: 6,
      imported: 4,
      rejected: 2,
      error: null,
    })
    expect(report.rejections.map((r: { line: number }) => r.line)).toEqual([6, 7])
    const progress = await t.app.inject({ url: response.headers.location as string, headers: support })
    expect(progress.json()).toEqual(report)
  })

  it('finds Hélène by helene and by HEL, once, with her two activities', async () => {
    for (const query of ['lastName=dupre', 'firstName=helene', 'firstName=HEL', 'lastName=DUPRÉ-LEF']) {
      const response = await professionals(query)
      expect(response.statusCode).toBe(200)
      expect(response.json().items.map((p: { firstName: string }) => p.firstName)).toEqual(['Hélène'])
    }
    const [found] = (await professionals('firstName=helene')).json().items
    expect(found).toMatchObject({
      rpps: helene.rpps,
      nationalId: `8${helene.rpps}`,
      civility: { code: 'MME', label: 'Madame' },
      practiceCivility: { code: 'DR' },
      lastName: 'Dupré-Lefèvre',
    })
    expect(found.activities).toHaveLength(2)
    expect(found.activities[1]).toMatchObject({
      structureName: 'Clinique Toulouse-Lautrec',
      finess: SITE,
      city: 'Albi',
      profession: { code: '10', label: 'Médecin' },
    })
    // Prefix on first names too, and both names at once.
    expect(
      (await professionals('firstName=he')).json().items.map((p: { lastName: string }) => p.lastName),
    ).toEqual(['Dupré-Lefèvre', 'Helbert'])
    expect((await professionals('lastName=ndia&firstName=loic')).json().items[0].rpps).toBe(loic.rpps)
    expect((await professionals(`rpps=${henri.rpps}`)).json().items[0].lastName).toBe('Helbert')
  })

  it('pages with a cursor', async () => {
    const first = (await professionals('firstName=h&limit=1')).json()
    expect(first.items).toHaveLength(1)
    const second = (await professionals(`firstName=h&limit=1&cursor=${first.nextCursor}`)).json()
    expect(second.items[0].rpps).not.toBe(first.items[0].rpps)
    expect(second.nextCursor).toBeNull()
    expect((await professionals('firstName=h&cursor=garbage')).statusCode).toBe(400)
    expect((await professionals('')).statusCode).toBe(400)
  })

  it.each([52, 48] as const)('reads the %i-column extract by header name', async (variant) => {
    const response = await upload('rpps', rppsFile(variant, [helene, loic]))
    expect(response.json()).toMatchObject({ status: 'succeeded', imported: 3, rejected: 0 })
    const [found] = (await professionals('lastName=ndiaye')).json().items
    expect(found).toMatchObject({ firstName: 'Loïc', practiceCivility: { code: 'DR', label: 'Docteur' } })
    expect(found.activities[0].profession).toEqual({ code: '21', label: 'Pharmacien' })
  })

  it('derives each person once when their lines are apart in the file', async () => {
    const [first, second] = helene.activities!
    const apart = rppsFile(56, [
      { ...helene, activities: [first!] },
      loic,
      { ...helene, activities: [second!] },
    ])
    expect((await upload('rpps', apart)).json()).toMatchObject({ status: 'succeeded', imported: 3 })
    const found = (await professionals('q=helene')).json().items
    expect(found).toHaveLength(1)
    expect(found[0].activities.map((a: { structureName: string }) => a.structureName)).toEqual([
      'Cabinet du Dr Dupré',
      'Clinique Toulouse-Lautrec',
    ])
    expect((await professionals('q=loic ndiaye')).json().items).toHaveLength(1)
  })

  it('keeps the previous directory searchable when an import fails', async () => {
    await upload('rpps', rppsFile(56, [helene, loic, henri]))
    const broken = rppsFile(56, [henri]).replace("Nom d'exercice", 'Nom de naissance')
    const response = await upload('rpps', broken)
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ status: 'failed', imported: 0 })
    expect(response.json().error).toMatch(/Nom d'exercice/)
    expect((await professionals('firstName=helene')).json().items).toHaveLength(1)
    expect((await professionals('lastName=helbert')).json().items).toHaveLength(1)
  })

  it('rejects a line holding a NUL character, and imports the others', async () => {
    const nul: Person = { ...henri, rpps: rppsOf('1000000999'), lastName: 'Hel\u0000bert' }
    const response = await upload('rpps', rppsFile(56, [helene, nul, loic, henri]))
    expect(response.json()).toMatchObject({
      status: 'succeeded',
      rejected: 1,
      rejections: [{ line: 4, reason: 'the line holds a NUL character' }],
    })
  })

  it('refuses a truncated zip as an unreadable file, in a problem that quotes no library', async () => {
    const zip = buildZip([{ name: 'rpps.txt', data: rppsFile(56, [henri]) }])
    const response = await upload('rpps', zip.subarray(0, zip.length - 30), 'application/zip')
    expect(response.statusCode).toBe(422)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toMatchObject({ code: 'unreadable_file' })
    expect(response.body).not.toMatch(/central directory|signature|yauzl/i)
  })

  it('reports a zip whose data is damaged as such, without the library’s words', async () => {
    const zip = buildZip([{ name: 'rpps.txt', data: rppsFile(56, [helene, loic, henri]).repeat(20) }])
    // Flip bytes in the middle of the compressed data.
    const damaged = Buffer.from(zip)
    for (let i = 80; i < 120; i++) damaged[i] = (damaged[i] ?? 0) ^ 0xff
    const response = await upload('rpps', damaged, 'application/zip')
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ status: 'failed', error: 'the zip archive is damaged' })
  })

  it('refuses an import with no file up front', async () => {
    const none = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/directory/imports?kind=rpps',
      headers: support,
    })
    expect(none.statusCode).toBe(400)
    expect(none.json()).toMatchObject({ code: 'file_required' })
    const empty = await upload('rpps', '')
    expect(empty.statusCode).toBe(400)
    expect(empty.json()).toMatchObject({ code: 'file_required' })
    const json = await upload('rpps', '{}', 'application/json')
    expect(json.statusCode).toBe(415)
    expect(json.json()).toMatchObject({ code: 'unsupported_media_type' })
  })

  it('is imported by support only', async () => {
    const person = await bearerFor(t.app, [])
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/directory/imports?kind=rpps',
      headers: { ...person, 'content-type': 'text/plain' },
      payload: rppsFile(56, [henri]),
    })
    expect(refused.statusCode).toBe(403)
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/directory/imports?kind=rpps',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    })
    expect(anonymous.statusCode).toBe(401)
  })
})

describe('the FINESS directory', () => {
  const pharmacy = {
    finess: SITE,
    finessLegal: LEGAL,
    name: 'PHARMACIE DU CENTRE SAINTE-CÉCILE',
    postalCode: '81000',
    city: 'ALBI',
    department: '81',
    siret: '73282932000074',
    geo: [632000.5, 6314000.2] as [number, number],
  }
  const ajaccio = {
    finess: '2A0000014',
    finessLegal: '2A0000006',
    name: 'HÔPITAL DE LA MISÉRICORDE',
    postalCode: '20000',
    city: 'AJACCIO',
    department: '2A',
  }

  it('imports the ISO-8859-1 extract with its metadata and geolocation lines', async () => {
    const response = await upload(
      'finess',
      finessFile([pharmacy, ajaccio], ['structureet;too;short']),
      'text/csv',
    )
    expect(response.json()).toMatchObject({ status: 'succeeded', imported: 3, rejected: 1 })

    const byName = await t.app.inject({
      url: '/v1/directory/establishments?q=pharmacie du centre sainte cecile',
    })
    expect(byName.json().items).toEqual([
      expect.objectContaining({
        finess: SITE,
        finessLegal: LEGAL,
        name: 'PHARMACIE DU CENTRE SAINTE-CÉCILE',
        postalCode: '81000',
        city: 'ALBI',
        location: {
          x: 632000.5,
          y: 6314000.2,
          system: 'Lambert-93',
          epsg: 2154,
          latitude: 43.921725,
          longitude: 2.153338,
        },
      }),
    ])
    const corsica = await t.app.inject({ url: '/v1/directory/establishments/2a0000014' })
    expect(corsica.json()).toMatchObject({
      name: 'HÔPITAL DE LA MISÉRICORDE',
      departmentCode: '2A',
      location: null,
    })
    expect(
      (await t.app.inject({ url: '/v1/directory/establishments?postalCode=20000' })).json().items,
    ).toHaveLength(1)
  })

  it('answers exactly the documented fields, no more (these routes skip the schema serializer)', async () => {
    const exactly = new Ajv({ strict: false }).compile(closed(Page(DirectoryEstablishment)))
    const one = new Ajv({ strict: false }).compile(closed(DirectoryEstablishment))
    const exactlyPeople = new Ajv({ strict: false }).compile(closed(Page(DirectoryProfessional)))
    const person = new Ajv({ strict: false }).compile(closed(DirectoryProfessional))
    const check = (validate: ValidateFunction, body: unknown) => {
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true)
    }
    check(exactly, (await t.app.inject({ url: '/v1/directory/establishments?postalCode=81000' })).json())
    check(one, (await t.app.inject({ url: `/v1/directory/establishments/${SITE}` })).json())
    const people = (await t.app.inject({ url: '/v1/directory/professionals?lastName=h' })).json()
    expect(people.items.length).toBeGreaterThan(0)
    check(exactlyPeople, people)
    check(person, (await t.app.inject({ url: `/v1/directory/professionals/${people.items[0].rpps}` })).json())
  })

  it('tells a site (géographique) from a legal entity (juridique), and finds a SIRET', async () => {
    const site = (await t.app.inject({ url: `/v1/identifiers/finess/${SITE}` })).json()
    expect(site).toMatchObject({
      valid: true,
      checkDigit: 'verified',
      directory: { kind: 'establishment', finessType: 'geographique' },
    })
    const legal = (await t.app.inject({ url: `/v1/identifiers/finess/${LEGAL}` })).json()
    expect(legal.directory).toMatchObject({ finessType: 'juridique', establishments: [{ finess: SITE }] })
    const siret = (await t.app.inject({ url: '/v1/identifiers/siret/732 829 320 00074' })).json()
    expect(siret).toMatchObject({
      valid: true,
      normalized: '73282932000074',
      directory: { establishments: [{ finess: SITE }] },
    })
    const siren = (await t.app.inject({ url: '/v1/identifiers/siren/732829320' })).json()
    expect(siren.directory.establishments[0].siret).toBe('73282932000074')
  })
})

describe('GET /v1/identifiers', () => {
  it('validates and finds an RPPS, with its national id', async () => {
    const response = await t.app.inject({ url: `/v1/identifiers/rpps/${helene.rpps}` })
    expect(response.json()).toMatchObject({
      type: 'rpps',
      valid: true,
      nationalId: `8${helene.rpps}`,
      directory: { kind: 'professional', professional: { firstName: 'Hélène' } },
    })
  })

  it('says why a number is refused', async () => {
    const wrong = helene.rpps.slice(0, 10) + ((Number(helene.rpps[10]) + 1) % 10)
    expect((await t.app.inject({ url: `/v1/identifiers/rpps/${wrong}` })).json()).toMatchObject({
      valid: false,
      reason: 'check_digit',
    })
    expect((await t.app.inject({ url: '/v1/identifiers/siret/1234' })).json()).toMatchObject({
      valid: false,
      reason: 'length',
    })
    expect((await t.app.inject({ url: '/v1/identifiers/adeli/12345678X' })).json()).toMatchObject({
      valid: false,
      reason: 'characters',
    })
    expect((await t.app.inject({ url: '/v1/identifiers/nir/123' })).statusCode).toBe(400)
  })
})

/** The schema with no room for undocumented properties, at any depth. */
function closed(schema: unknown): object {
  const copy = JSON.parse(JSON.stringify(schema))
  const close = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(close)
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>
      if (object.type === 'object' && object.properties) object.additionalProperties = false
      delete object.$id
      Object.values(object).forEach(close)
    }
  }
  close(copy)
  return copy
}
