import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, bearerFor } from '../helpers/auth.ts'
import { anRpps } from '../helpers/builders.ts'
import { aTarnFiness, createMailbox, MAILBOX_ENV, pharmacyForm } from '../helpers/mailboxes.ts'
import { proveEmail, supportAgent } from '../helpers/people.ts'

type Headers = { authorization: string }
let t: TestApp
let creator: Headers

beforeAll(async () => {
  // The operator serves Occitanie, Corsica and Martinique.
  t = await createTestApp({ env: { ...MAILBOX_ENV, MAILBOX_REGIONS: '76,94,02' } })
  creator = await bearerFor(t.app, [], { profile: 'health_professional' })
})
afterAll(() => t.close())

const mailboxCount = async () =>
  Number(
    (
      await t.app.deps.db
        .selectFrom('mailboxes')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

async function refused(body: object, status: number, code: string, field?: string, headers = creator) {
  const before = await mailboxCount()
  const response = await createMailbox(t, headers, body)
  expect(response.statusCode, response.body).toBe(status)
  expect(response.headers['content-type']).toContain('application/problem+json')
  expect(response.json().code).toEqual(code)
  if (field) expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field)
  expect(await mailboxCount()).toBe(before)
  return response.json()
}

describe('an organisational mailbox, as the manual’s form describes it', () => {
  it('is created pending validation, its department derived from the postal code, its phones as E.164', async () => {
    const created = await createMailbox(
      t,
      creator,
      await pharmacyForm(t, { phones: ['05 63 54 12 34', '+33 6 12 34 56 78'] }),
    )
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({
      status: 'pending_validation',
      department: '81',
      phones: ['+33563541234', '+33612345678'],
      contactEmail: expect.stringMatching(/^pharmacie-.*@example\.org$/),
    })
  })

  it('needs every field the manual marks required', async () => {
    const { description: _d, responsible: _r, postalAddress: _p, ...partial } = await pharmacyForm(t)
    const problem = await refused(partial, 400, 'invalid_mailbox')
    expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'description',
      'postalAddress',
      'responsible',
    ])
  })

  it.each([
    ['a FINESS with a wrong check digit', { identifier: '810000019' }, 'identifier'],
    [
      'a SIRET with a wrong check digit',
      { identifierType: 'siret', identifier: '73282932000075' },
      'identifier',
    ],
    [
      'a responsible’s RPPS with a wrong check digit',
      { responsible: { firstName: 'A', lastName: 'B', professionCode: '21', rpps: '10003456787' } },
      'responsible.rpps',
    ],
    [
      'a profession that is no national code',
      { responsible: { firstName: 'A', lastName: 'B', professionCode: '99', rpps: anRpps() } },
      'responsible.professionCode',
    ],
    ['a phone that is no number', { phones: ['05 63 54'] }, 'phones.0'],
    ['a third phone', { phones: ['0563541234', '0563541235', '0563541236'] }, 'phones'],
    ['a name with a control character', { name: 'Pharmacie\u0000du Centre' }, 'name'],
    ['a description with an escape sequence', { description: 'Pharmacie \u001b[2J' }, 'description'],
    [
      'a city on two lines',
      { postalAddress: { line: '1 rue', postalCode: '81000', city: 'Albi\nCastres' } },
      'postalAddress.city',
    ],
    ['a region that is no INSEE code', { region: '73' }, 'region'],
    ['an unknown property', { website: 'https://example.org' }, undefined],
  ])('refuses %s (400, nothing written)', async (_case, overrides, field) => {
    const response = await refused(await pharmacyForm(t, overrides), 400, expect.any(String) as never)
    if (field) expect(JSON.stringify(response.errors)).toContain(field)
  })

  it.each([
    [
      'a region the operator does not serve',
      { region: '11', postalAddress: { line: '1 rue de Rivoli', postalCode: '75001', city: 'Paris' } },
      'region_not_served',
      'region',
    ],
    ['a department that is not the postal code’s', { department: '31' }, 'place_mismatch', 'department'],
    [
      'a postal code of another region',
      { postalAddress: { line: '1 rue', postalCode: '13001', city: 'Marseille' } },
      'place_mismatch',
      'postalAddress.postalCode',
    ],
    [
      'Bastia given as Corse-du-Sud',
      {
        region: '94',
        department: '2A',
        postalAddress: { line: '1 quai', postalCode: '20200', city: 'Bastia' },
      },
      'place_mismatch',
      'department',
    ],
    [
      'Fort-de-France in Guadeloupe’s department',
      {
        region: '02',
        department: '971',
        postalAddress: { line: '1 rue', postalCode: '97200', city: 'Fort-de-France' },
      },
      'place_mismatch',
      'department',
    ],
  ])('refuses %s (422 naming the field)', async (_case, overrides, code, field) => {
    await refused(await pharmacyForm(t, overrides), 422, code, field)
  })

  it.each([
    [
      'Ajaccio',
      { region: '94', postalAddress: { line: '2 cours Napoléon', postalCode: '20000', city: 'Ajaccio' } },
      '2A',
    ],
    [
      'Bastia',
      {
        region: '94',
        department: '2B',
        postalAddress: { line: '1 quai', postalCode: '20200', city: 'Bastia' },
      },
      '2B',
    ],
    [
      'Fort-de-France',
      { region: '02', postalAddress: { line: '1 rue', postalCode: '97200', city: 'Fort-de-France' } },
      '972',
    ],
  ])('accepts %s in its department', async (_case, overrides, department) => {
    const created = await createMailbox(t, creator, await pharmacyForm(t, overrides))
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().department).toBe(department)
  })

  it('proves a generic address that is also someone’s account address: the code is mailed all the same', async () => {
    const pharmacist = await anAccount(t.app, { profile: 'health_professional' })
    const proof = await proveEmail(t, pharmacist.email, 'mailbox_contact')
    const created = await createMailbox(t, creator, await pharmacyForm(t, { contactEmailProof: proof }))
    expect(created.json().contactEmail).toBe(pharmacist.email)
  })

  it('needs a proof of the generic address for this purpose, spent once', async () => {
    const registrationProof = await proveEmail(t, 'not-for-a-box@example.org', 'registration')
    await refused(await pharmacyForm(t, { contactEmailProof: registrationProof }), 422, 'invalid_proof')
    const form = await pharmacyForm(t)
    expect((await createMailbox(t, creator, form)).statusCode).toBe(201)
    await refused({ ...form, identifier: aTarnFiness() }, 422, 'invalid_proof')
  })

  it('one live box per establishment and service: another service may have its own; a rejected one frees it', async () => {
    const identifier = aTarnFiness()
    const first = await createMailbox(t, creator, await pharmacyForm(t, { identifier, service: 'Officine' }))
    expect(first.statusCode).toBe(201)
    await refused(await pharmacyForm(t, { identifier, service: 'officine ' }), 409, 'mailbox_exists')
    const other = await createMailbox(
      t,
      creator,
      await pharmacyForm(t, { identifier, service: 'Préparatoire' }),
    )
    expect(other.statusCode).toBe(201)
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/mailboxes/${first.json().id}/validation`,
      headers: await supportAgent(t),
      payload: { decision: 'reject', reason: 'Doublon' },
    })
    expect(rejected.statusCode).toBe(200)
    const again = await createMailbox(t, creator, await pharmacyForm(t, { identifier, service: 'Officine' }))
    expect(again.statusCode, again.body).toBe(201)
  })
})

describe('a personal (PER) or internal (INT) mailbox, whose identity is the account’s', () => {
  it('PER: an active health professional with an RPPS gets one, and only one', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    const created = await createMailbox(t, doctor.headers, { kind: 'PER', region: '76' })
    expect(created.statusCode, created.body).toBe(201)
    const account = await t.app.deps.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', doctor.id)
      .executeTakeFirstOrThrow()
    expect(created.json()).toMatchObject({
      kind: 'PER',
      name: `${account.first_name} ${account.last_name}`,
      establishment: null,
      responsible: { rpps: account.rpps, profession: { code: '10' } },
    })
    await refused({ kind: 'PER', region: '76' }, 409, 'mailbox_exists', undefined, doctor.headers)
  })

  it('PER: refused to an account without an RPPS', async () => {
    const secretary = await anAccount(t.app, { profile: 'collaborator' })
    await refused({ kind: 'PER', region: '76' }, 422, 'rpps_required', undefined, secretary.headers)
  })

  it('INT: for someone awaiting an RPPS, with a profession; refused with an RPPS or without a profession', async () => {
    const intern = await anAccount(t.app, { profile: 'collaborator' })
    await refused({ kind: 'INT', region: '76' }, 422, 'profession_required', undefined, intern.headers)
    await t.app.deps.db
      .updateTable('accounts')
      .set({ profession_code: '60' })
      .where('id', '=', intern.id)
      .execute()
    const created = await createMailbox(t, intern.headers, {
      kind: 'INT',
      region: '76',
      preferences: { listed: false },
    })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({
      kind: 'INT',
      responsible: { rpps: null },
      preferences: { listed: false },
    })
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    await refused({ kind: 'INT', region: '76' }, 422, 'rpps_held', undefined, doctor.headers)
  })

  it('takes no establishment field', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    await refused(
      { kind: 'PER', region: '76', name: 'Cabinet', description: 'x' },
      400,
      'invalid_mailbox',
      'name',
      doctor.headers,
    )
  })
})

describe('who may not create a mailbox', () => {
  it('nobody anonymous (the other refusals are in permissions.test.ts)', async () => {
    const form = await pharmacyForm(t)
    expect((await t.app.inject({ method: 'POST', url: '/v1/mailboxes', payload: form })).statusCode).toBe(401)
  })
})

describe('what the national directories say (once imported)', () => {
  beforeAll(async () => {
    const row = {
      short_name: 'PHARMACIE',
      search_name: 'pharmacie',
      address: '12 PL DU VIGAN',
      postal_code: '81000',
      city: 'ALBI',
      department_code: '81',
      department_label: 'TARN',
      phone: '',
      category_code: '620',
      category_label: 'Pharmacie d’officine',
      siret: '',
      search_vector: '',
      coordinate_system: null,
      latitude: null,
      longitude: null,
    }
    await t.app.deps.db
      .insertInto('directory_establishments')
      .values([
        { ...row, finess: '810000018', finess_legal: '810000026', name: 'PHARMACIE DU CENTRE' },
        { ...row, finess: '810000034', finess_legal: '810000042', name: 'PHARMACIE DES LICES' },
      ])
      .execute()
    await t.app.deps.db
      .insertInto('directory_persons')
      .values({
        rpps: '10003456786',
        id_type: '8',
        national_id: '810003456786',
        civility_code: 'MME',
        civility_label: 'Madame',
        practice_civility_code: '',
        practice_civility_label: '',
        last_name: 'MARTIN',
        first_name: 'CLAIRE',
        search_last_name: 'martin',
        search_first_name: 'claire',
        search_vector: '',
      })
      .execute()
  })
  const responsible = { firstName: 'Claire', lastName: 'Martin', professionCode: '21', rpps: '10003456786' }

  it('a FINESS the directory knows as a legal entity is refused: the establishment’s is asked', async () => {
    await refused(
      await pharmacyForm(t, { identifier: '810000026', responsible }),
      422,
      'legal_entity_finess',
      'identifier',
    )
  })

  it('a responsible’s RPPS the directory does not know is refused', async () => {
    await refused(await pharmacyForm(t, { identifier: '810000034' }), 422, 'unknown_rpps', 'responsible.rpps')
  })

  it('an establishment and a professional it knows are accepted; the desk sees the directory’s establishment', async () => {
    const created = await createMailbox(
      t,
      creator,
      await pharmacyForm(t, { identifier: '810000034', responsible }),
    )
    expect(created.statusCode, created.body).toBe(201)
    const seen = await t.app.inject({
      url: `/v1/admin/mailboxes/${created.json().id}`,
      headers: await supportAgent(t),
    })
    expect(seen.json().inDirectory).toMatchObject({
      finess: '810000034',
      finessLegal: '810000042',
      name: 'PHARMACIE DES LICES',
    })
  })
})
