import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXTRACT_COLUMNS } from '../../src/mailboxes/directory.ts'
import { NAMES_WINDOW, WORDS_WINDOW } from '../../src/mailboxes/directory-search.ts'

import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import {
  anActiveMailbox,
  createMailbox,
  directoryWordsDrift,
  MAILBOX_ENV,
  openMailbox,
  pharmacyForm,
} from '../helpers/mailboxes.ts'
import { supportAgent } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>
let t: TestApp
let reader: Person
const boxes: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestApp({ env: MAILBOX_ENV })
  reader = await anAccount(t.app)
  const manager = await anAccount(t.app, { profile: 'health_professional' })
  const at = (line: string, postalCode: string, city: string) => ({
    postalAddress: { line, postalCode, city },
  })
  boxes.centre = (
    await anActiveMailbox(t, manager.headers, {
      name: 'Pharmacie du Centre',
      ...at('12 place du Vigan', '81000', 'Albi'),
    })
  ).id
  boxes.etoile = (
    await anActiveMailbox(t, manager.headers, {
      name: 'Pharmacie de l’Étoile',
      description: 'Officine, Castres',
      ...at('4 rue Émile Zola', '81100', 'Castres'),
    })
  ).id
  boxes.cms = (
    await anActiveMailbox(t, manager.headers, {
      name: 'Centre médico-social | Rangueil',
      description: 'Consultations, Toulouse',
      service: 'Accueil',
      ...at('1 avenue Jean Poulhès', '31400', 'Toulouse'),
    })
  ).id
  boxes.hidden = (
    await anActiveMailbox(t, manager.headers, { name: 'Pharmacie discrète', preferences: { listed: false } })
  ).id
  const pending = await createMailbox(
    t,
    manager.headers,
    await pharmacyForm(t, { name: 'Pharmacie en attente' }),
  )
  boxes.pending = pending.json().id
  const doctor = await anAccount(t.app, { profile: 'health_professional' })
  await t.app.deps.db
    .updateTable('accounts')
    .set({ first_name: 'Hélène', last_name: 'Dupré' })
    .where('id', '=', doctor.id)
    .execute()
  boxes.helene = (await createMailbox(t, doctor.headers, { kind: 'PER', region: '76' })).json().id
  await openMailbox(t, boxes.helene!)
})
afterAll(() => t.close())

const search = async (query: string, remoteAddress?: string) => {
  const response = await t.app.inject({
    url: `/v1/mailboxes/directory?${query}`,
    headers: reader.headers,
    ...(remoteAddress && { remoteAddress }),
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as {
    items: { id: string; name: string; mssanteAddress: string }[]
    nextCursor: string | null
  }
}
/**
 * `count` active, listed copies of a box in Albi named `<name> <word><i>`, sorted as `<name> <word><i>`
 * with `i` on six digits: in the order of `i`.
 */
async function copiesOfABox(count: number, name: string, word: string) {
  const named = sql`${name} || ' ' || ${word} || i`
  await sql`
    insert into mailboxes (kind, status, owner_id, contact_email, description, identifier_type, identifier, name,
      service_key, address_line, postal_code, city, region, department, phones, responsible_civility,
      responsible_first_name, responsible_last_name, responsible_profession, responsible_rpps, paperless, listed,
      mssante_address, sort_name, created_by, created_at, updated_at)
    select kind, status, owner_id, contact_email, ${named}, identifier_type, ${`${name}${word}`} || i, ${named},
      '', '1 rue des Lilas', '81000', 'Albi', region, '81', phones, responsible_civility,
      responsible_first_name, responsible_last_name, responsible_profession, responsible_rpps, paperless, listed,
      lower(${name}) || '.' || ${word} || i || '@oc.mssante.fr', lower(${name}) || ' ' || ${word} || lpad(i::text, 6, '0'),
      created_by, created_at, updated_at
    from mailboxes, generate_series(1, ${count}) as i where id = ${boxes.cms!}`.execute(t.app.deps.db)
}

// Every page of a search, each query from an address of its own (the pages pass the rate limit).
let clients = 0
const pagedThrough = async (q: string, limit: number) => {
  const client = `192.0.2.${++clients}`
  const names: string[] = []
  let cursor: string | null = null
  do {
    const page = await search(
      `q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      client,
    )
    names.push(...page.items.map((item) => item.name))
    cursor = page.nextCursor
  } while (cursor)
  return names
}

const found = async (query: string) => (await search(query)).items.map((item) => item.id).sort()
const ids = (...names: string[]) => names.map((name) => boxes[name]!).sort()

describe('the directory of mailboxes', () => {
  it.each([
    ['q=pharm', ['centre', 'etoile']],
    ['q=PHARMACIE%20ALBI', ['centre']],
    ['q=albi%20pharm', ['centre']],
    ['q=etoile', ['etoile']],
    ['q=%C3%A9toi%20cast', ['etoile']],
    ['q=l%E2%80%99etoile', ['etoile']],
    ['q=helene', ['helene']],
    ['q=dupre%20h', ['helene']],
    ['q=vigan', ['centre']],
    ['q=emile%20zola', ['etoile']],
    ['q=medico%20social', ['cms']],
    ['q=accueil', ['cms']],
    ['q=consultations', ['cms']],
    ['q=centre', ['centre', 'cms']],
    ['q=centre&postalCode=31', ['cms']],
    ['postalCode=811', ['etoile']],
    ['kind=PER', ['helene']],
    ['q=discrete', []],
    ['q=attente', []],
    ['q=xyz', []],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(ids(...expected))
  })

  it('shows each box with its MSSanté address, page by page in the order of names', async () => {
    const first = await search('q=pharm&limit=1')
    expect(first.items[0]).toMatchObject({ name: 'Pharmacie de l’Étoile' })
    expect(first.items[0]?.mssanteAddress).toMatch(/@pharmacien\.oc\.mssante\.fr$/)
    const second = await search(`q=pharm&limit=1&cursor=${first.nextCursor}`)
    expect(second.items.map((item) => item.name)).toEqual(['Pharmacie du Centre'])
    expect(second.nextCursor).toBeNull()
  })

  it('refuses control characters, a malformed postal code and a cursor it did not give (400)', async () => {
    for (const query of [
      'q=a%00b',
      'q=%1B%5B2J',
      'postalCode=8',
      'postalCode=81a',
      'cursor=bm9wZQ',
      'kind=BAL',
    ])
      expect(
        (await t.app.inject({ url: `/v1/mailboxes/directory?${query}`, headers: reader.headers })).statusCode,
      ).toBe(400)
  })
})

describe('a directory larger than the search reads in the order of names', () => {
  beforeAll(async () => {
    // Many boxes whose names sort first, none of them a pharmacy: the pharmacies come after them all.
    await copiesOfABox(NAMES_WINDOW + 100, 'Cabinet', '')
  })

  it('finds the boxes that sort after the first ones it reads, in order, page by page', async () => {
    expect(await found('q=pharm')).toEqual(ids('centre', 'etoile'))
    const first = await search('q=pharm&limit=1')
    const second = await search(`q=pharm&limit=1&cursor=${first.nextCursor}`)
    expect([...first.items, ...second.items].map((item) => item.name)).toEqual([
      'Pharmacie de l’Étoile',
      'Pharmacie du Centre',
    ])
    expect(second.nextCursor).toBeNull()
  })

  it('pages through matches on both sides of what it reads in order', async () => {
    const names = await pagedThrough('albi', 50)
    expect(names).toHaveLength(NAMES_WINDOW + 100 + 1)
    expect(names.at(-1)).toBe('Pharmacie du Centre')
    expect(new Set(names).size).toBe(names.length)
  })
})

describe('the national extract', () => {
  it('holds every active, listed box, pipe-separated under the header, and the export is audited', async () => {
    const support = await supportAgent(t)
    const exported = await t.app.inject({ url: '/v1/admin/mailboxes/export', headers: support })
    expect(exported.statusCode).toBe(200)
    expect(exported.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(exported.headers['content-disposition']).toContain('Extraction_Correspondance_MSSante')
    const [header, ...lines] = exported.body.trimEnd().split('\n')
    expect(header).toBe(EXTRACT_COLUMNS.join('|'))
    expect(lines).toHaveLength(4 + NAMES_WINDOW + 100)
    for (const line of lines) expect(line.split('|')).toHaveLength(EXTRACT_COLUMNS.length)
    const rows = lines.map((line) =>
      Object.fromEntries(line.split('|').map((value, i) => [EXTRACT_COLUMNS[i], value])),
    )
    expect(rows.find((row) => row['Raison Sociale structure BAL'] === 'Pharmacie du Centre')).toMatchObject({
      'Type de BAL': 'ORG',
      'Adresse BAL': 'pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr',
      'Type identifiant structure': '1',
      'Service de rattachement': 'Officine',
      Dématérialisation: '1',
      'L4LIBELLEVOIE structure BAL': '12 place du Vigan',
      'L6LIGNEACHEMINEMENT structure BAL': '81000 ALBI',
      'Code postal structure BAL': '81000',
      'Département structure BAL': '81',
    })
    expect(rows.find((row) => row['Type de BAL'] === 'PER')).toMatchObject({
      'Nom d’exercice': 'Dupré',
      'Prénom d’exercice': 'Hélène',
      'Type Identifiant PP': '8',
      'Code Profession': '10',
      'Libellé Profession': 'Médecin',
    })
    expect(rows.map((row) => row['Raison Sociale structure BAL'])).toContain(
      'Centre médico-social   Rangueil',
    )
    const events = (await t.app.inject({ url: '/v1/admin/audit-events?limit=5', headers: support })).json()
      .items
    expect(events.map((event: { action: string }) => event.action)).toContain('mailbox.directory_exported')
  })
})

describe('the directory, against every match sorted', () => {
  // Every active, listed box with each query word beginning one of its words, in the order of names.
  const expected = async (q: string) =>
    (
      await sql<{ name: string }>`
        select name from mailboxes
        where status = 'active' and listed and search_vector @@ to_tsquery('simple', ${q
          .split(' ')
          .map((word) => `${word}:*`)
          .join(' & ')})
        order by sort_name, id`.execute(t.app.deps.db)
    ).rows.map((row) => row.name)
  beforeAll(async () => {
    // Boxes whose words begin with "y" (more such words than the search reads one by one), all after
    // the first boxes in the order of names; and, after them, three more with the word "zz", past as
    // many boxes of "zz" as a search reads in the order of names.
    await copiesOfABox(WORDS_WINDOW + 100, 'Zz', 'y')
    await copiesOfABox(3, 'Zz Zz Cabinet', '')
  })

  it.each([
    // Its words begin few words of the directory: read word by word.
    ['cabinet 12', 7],
    ['lilas cabinet', 50],
    ['albi 1', 50],
    ['pharmacie', 1],
    ['55 cab', 3],
    // '1' begins more words (numbers) than the search reads one by one: read in the order of names.
    ['1', 50],
    ['1 vigan', 2],
    // 'y' too, but none of the first boxes in the order of names has such a word: read word by word.
    ['y', 50],
    ['y12 zz', 7],
    // The first boxes of "zz", its rarer word, have no "cabinet": the last three are found in the index.
    ['cabinet zz', 1],
  ])('%s, %i by page', async (q, limit) => {
    const names = await pagedThrough(q, limit)
    expect(names.length).toBeGreaterThan(0)
    expect(names).toEqual(await expected(q))
  })

  it('after a box is renamed, it is found by its new name, in its new place', async () => {
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/v1/admin/mailboxes/${boxes.centre}`,
      headers: await supportAgent(t),
      payload: { name: 'Grande Pharmacie Albigeoise' },
    })
    expect(renamed.statusCode, renamed.body).toBe(200)
    expect(await found('q=albigeoise')).toEqual(ids('centre'))
    // Its words are read in the order of its new name: before "Pharmacie de l’Étoile" now.
    expect((await search('q=pharm&limit=1')).items.map((item) => item.name)).toEqual([
      'Grande Pharmacie Albigeoise',
    ])
    expect(await pagedThrough('albi', 50)).toEqual(await expected('albi'))
    expect(await directoryWordsDrift(t.app.deps.db)).toEqual([])
  })
})

describe('emptying the boxes', () => {
  it('empties the directory’s words too (a truncation fires no row trigger)', async () => {
    await sql`truncate mailboxes cascade`.execute(t.app.deps.db)
    expect(await directoryWordsDrift(t.app.deps.db)).toEqual([])
    expect(await t.app.deps.db.selectFrom('mailbox_directory_vocabulary').select('word').execute()).toEqual(
      [],
    )
    expect((await search('q=pharm')).items).toEqual([])
  })
})
