import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREPARED } from '../../src/db/database.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { QueryRecorder, tablesRead, tablesReadByGenericPlan } from '../helpers/plans.ts'

/**
 * The hot reads over a populated database: every statement they send reads the tables that grow with
 * the users through an index, never by a sequential scan (which would make them slower as the service
 * grows). The planner only weighs its indexes as in production when the tables hold enough rows: the
 * data here is generated in bulk, then analysed. Each read is one statement, its session check included,
 * and its plan is read as run (`explain analyze`): a fallback that a one-time filter kept from running
 * does not count. A prepared statement's generic plan, the one PostgreSQL keeps once it stops planning
 * each execution, is held to the same.
 */
const GROWING = [
  'accounts',
  'account_emails',
  'sessions',
  'refresh_tokens',
  'practice_places',
  'rights',
  'access_requests',
  'delegations',
  'profile_change_requests',
  'application_identities',
  'mailboxes',
  'mailbox_members',
  'mailbox_directory_words',
  'mailbox_directory_vocabulary',
  'audit_events',
  'lab_events',
]
const ACCOUNTS = 20_000
const STRUCTURES = 2_000
const REQUESTS = 60_000
const MAILBOXES = 100_000

let database: TestDatabase
let recorder: QueryRecorder
let t: TestApp
let professional: Awaited<ReturnType<typeof anAccount>>
let delegate: Awaited<ReturnType<typeof anAccount>>

async function populate(db: TestDatabase['db']) {
  const now = new Date('2026-03-01T09:00:00Z')
  await sql`
    insert into structures (kind, name, city, postal_code, created_at, updated_at)
    select 'practice', 'Cabinet ' || i, 'Ville ' || (i % 300), lpad((i % 95 + 1)::text, 2, '0') || '000',
      ${now}, ${now}
    from generate_series(1, ${STRUCTURES}) as i`.execute(db)
  await sql`
    insert into accounts (status, profile, civility, first_name, last_name, rpps, terms_version,
      terms_accepted_at, created_at, updated_at)
    select 'active', case when i % 2 = 0 then 'health_professional' else 'collaborator' end, 'MME',
      'Prénom' || i, 'Nom' || i, case when i % 2 = 0 then (20000000000 + i)::text end, '2026-01',
      ${now}, ${now}::timestamptz - make_interval(mins => i), ${now}
    from generate_series(1, ${ACCOUNTS}) as i`.execute(db)
  await sql`
    insert into account_emails (account_id, address, address_key, is_login, is_notification, verified_at, created_at)
    select id, 'p.' || id || '@example.org', 'p.' || id || '@example.org', true, true, ${now}, ${now}
    from accounts`.execute(db)
  await sql`
    insert into sessions (account_id, amr, auth_time, created_at, last_used_at, expires_at)
    select id, '{pwd,otp,mfa}', ${now}, ${now}, ${now}, ${now}::timestamptz + interval '30 days' from accounts`.execute(
    db,
  )
  await sql`
    with numbered as (select id, row_number() over (order by id) as n from accounts),
         places as (select id, row_number() over (order by id) as n from structures)
    insert into practice_places (account_id, structure_id, is_primary, status, created_at)
    select numbered.id, places.id, true, 'confirmed', ${now}
    from numbered join places on places.n = 1 + numbered.n % ${STRUCTURES}`.execute(db)
  await sql`
    insert into rights (account_id, structure_id, name, granted_at)
    select account_id, structure_id, 'results', ${now} from practice_places`.execute(db)
  await sql`
    with people as (select p.account_id, p.structure_id, a.profile from practice_places p
                    join accounts a on a.id = p.account_id),
         doctors as (select account_id, structure_id from people where profile = 'health_professional'),
         staff as (select account_id, structure_id, row_number() over () as n from people
                   where profile = 'collaborator')
    insert into access_requests (account_id, structure_id, rights, approver_id, status, created_at)
    select staff.account_id, staff.structure_id, '{invoices}', doctors.account_id,
      case when i % 5 = 0 then 'pending' else 'approved' end, ${now}::timestamptz - make_interval(mins => i)
    from generate_series(1, ${REQUESTS}) as i
    join staff on staff.n = 1 + i % ${ACCOUNTS / 2}
    join lateral (select account_id from doctors d where d.structure_id = staff.structure_id limit 1) doctors on true`.execute(
    db,
  )
  // Delegations, addresses known to applications, identity changes waiting: one per tenth of the people.
  await sql`
    with pairs as (select p.account_id, p.structure_id, a.profile, row_number() over () as n
                   from practice_places p join accounts a on a.id = p.account_id)
    insert into delegations (professional_id, structure_id, delegate_id, created_by, created_at)
    select d.account_id, d.structure_id, c.account_id, d.account_id, ${now}
    from pairs d join pairs c on c.n = d.n + 1
    where d.profile = 'health_professional' and d.n % 10 = 0`.execute(db)
  await sql`
    insert into applications (id, name, url, active, created_at, updated_at)
    values ('resultats', 'Résultats', 'https://resultats.example.org', true, ${now}, ${now})`.execute(db)
  await sql`
    insert into application_identities (account_id, application_id, email_id)
    select account_id, 'resultats', id from account_emails where random() < 0.1`.execute(db)
  await sql`
    insert into profile_change_requests (account_id, changes, status, created_at)
    select id, '{"lastName": "Autre"}', 'pending', ${now} from accounts where random() < 0.1`.execute(db)
  await sql`
    insert into mailboxes (kind, status, contact_email, description, identifier_type, identifier, name, address_line,
      postal_code, city, region, responsible_first_name, responsible_last_name, responsible_profession,
      responsible_rpps, mssante_address, sort_name, created_by, created_at, updated_at)
    select 'ORG', 'active', 'bal' || i || '@example.org', 'Service ' || i, 'siret', (70000000000000 + i)::text,
      kinds.name || ' ' || i, i || ' rue des Lilas', lpad((i % 95 + 1)::text, 2, '0') || '000', 'Ville ' || (i % 300),
      '76', 'Claire', 'Martin', '21', '10000000008', 'bal.' || i || '@example.mssante.fr',
      lower(kinds.name) || ' ' || i, (select id from accounts limit 1), ${now}, ${now}
    from generate_series(1, ${MAILBOXES}) as i
    join (values (0, 'Pharmacie'), (1, 'Cabinet médical'), (2, 'Laboratoire'), (3, 'Centre hospitalier'),
      (4, 'Maison de santé'), (5, 'Clinique'), (6, 'Centre de santé'), (7, 'Cabinet infirmier'),
      (8, 'Cabinet dentaire'), (9, 'Pharmacie mutualiste')) as kinds (n, name) on kinds.n = i % 10`.execute(
    db,
  )
  await sql`
    insert into mailbox_members (mailbox_id, account_id, role, created_at)
    select m.id, a.id, 'manager', ${now}
    from (select id, row_number() over (order by id) as n from mailboxes) m
    join (select id, row_number() over (order by id) as n from accounts) a on a.n = m.n`.execute(db)
  await sql`analyze`.execute(db)
}

beforeAll(async () => {
  database = await createTestDatabase()
  await populate(database.db)
  recorder = new QueryRecorder(database.db)
  t = await createTestApp({ database: { ...database, db: recorder.recording(database.db) } })
  // A professional at a busy structure, with a delegate: their queues hold many requests.
  const busy = await database.db
    .selectFrom('access_requests')
    .select(['structure_id', 'approver_id'])
    .where('status', '=', 'pending')
    .limit(1)
    .executeTakeFirstOrThrow()
  professional = await anAccount(t.app, { profile: 'health_professional' })
  delegate = await anAccount(t.app, { profile: 'administrative' })
  const now = t.clock.now()
  await database.db
    .insertInto('practice_places')
    .values({
      account_id: professional.id,
      structure_id: busy.structure_id,
      is_primary: true,
      status: 'confirmed',
      created_at: now,
    })
    .execute()
  await database.db
    .insertInto('delegations')
    .values({
      professional_id: busy.approver_id,
      structure_id: busy.structure_id,
      delegate_id: delegate.id,
      created_by: busy.approver_id,
      created_at: now,
    })
    .execute()
}, 300_000)
afterAll(async () => {
  await t?.close()
  await database.drop()
})

describe('the hot reads never scan a table that grows with the users', () => {
  it.each([
    ['GET /v1/me', () => professional, '/v1/me'],
    ['GET /v1/approvals (a professional)', () => professional, '/v1/approvals?limit=20'],
    ['GET /v1/approvals (a delegate)', () => delegate, '/v1/approvals?limit=20'],
    ['GET /v1/me/collaborators', () => professional, '/v1/me/collaborators'],
    ['GET /v1/mailboxes/directory (words)', () => professional, '/v1/mailboxes/directory?q=cabinet%20ville'],
    // "99" begins too many words (numbers) to lead: the boxes of "pharmacie", a fifth of them, all
    // sorting late, are read in the order of names and checked for it.
    [
      'GET /v1/mailboxes/directory (a common and a rare word)',
      () => professional,
      '/v1/mailboxes/directory?q=pharmacie%2099',
    ],
    ['GET /v1/mailboxes/directory (a common word)', () => professional, '/v1/mailboxes/directory?q=pharm'],
    // Every word begins too many words to lead: the first boxes in the order of names are checked.
    ['GET /v1/mailboxes/directory (a number)', () => professional, '/v1/mailboxes/directory?q=9'],
    [
      'GET /v1/mailboxes/directory (postal code)',
      () => professional,
      '/v1/mailboxes/directory?postalCode=81',
    ],
  ] as const)('%s', async (_name, who, url) => {
    await expectIndexedReads(url, who().headers)
  })

  it('GET /v1/approvals, a next page (a delegate)', async () => {
    const first = await t.app.inject({ url: '/v1/approvals?limit=1', headers: delegate.headers })
    expect(first.statusCode, first.body).toBe(200)
    const { nextCursor } = first.json() as { nextCursor: string | null }
    expect(nextCursor).toEqual(expect.any(String))
    await expectIndexedReads(`/v1/approvals?limit=1&cursor=${nextCursor}`, delegate.headers)
  })
})

/** The request sends one statement, its session check included, that reads no growing table whole. */
async function expectIndexedReads(url: string, headers: Record<string, string>) {
  recorder.queries.length = 0
  const response = await t.app.inject({ url, headers })
  expect(response.statusCode, response.body).toBe(200)
  // The rate-limit counters are written in the background; the signing keys are read once.
  const statements = recorder.queries.filter(
    (query) => !query.sql.includes('rate_limit_counters') && !query.sql.includes('from "signing_keys"'),
  )
  // One statement, the session check included.
  expect(statements, statements.map((query) => query.sql).join('\n---\n')).toHaveLength(1)
  const sequential = (read: string[]) =>
    read.filter((scan) => GROWING.some((table) => scan === `Seq Scan on ${table}`))
  for (const query of statements) {
    expect(sequential(await tablesRead(database.db, query, true)), query.sql).toEqual([])
    // A prepared statement is soon run on the plan PostgreSQL keeps for any values: that one too.
    if (query.sql.startsWith(PREPARED))
      expect(sequential(await tablesReadByGenericPlan(database.db, query)), query.sql).toEqual([])
  }
}
