import { randomInt, randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import { createPasswordHasher } from '../../src/accounts/passwords.ts'
import { createSecretHasher } from '../../src/auth/secrets.ts'
import { openSession } from '../../src/auth/sessions.ts'
import { createTokenService } from '../../src/auth/tokens.ts'
import { systemClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import type { DB, RightName } from '../../src/db/schema.ts'
import { createLabClient } from '../../src/labs/clients.ts'
import { SecretBox } from '../../src/shared/secret-box.ts'

/**
 * The bench's own handle on the bench database, in process, built from the service's modules with the
 * service's SECRET_KEY: sessions, tokens and password hashes made here are the service's own.
 */
export interface Bench {
  db: Kysely<DB>
  pool: pg.Pool
  tokens: ReturnType<typeof createTokenService>
  passwords: ReturnType<typeof createPasswordHasher>
  sessionDeps: Parameters<typeof openSession>[0]
  termsVersion: string
  /** Tells this run's rows apart from earlier runs' (addresses, names). */
  runId: string
  /** `--scale`: how many times the normal volume of data the bench database holds. */
  scale: number
  close(): Promise<void>
}

export async function openBench(env: NodeJS.ProcessEnv, scale = 1): Promise<Bench> {
  const config = loadConfig(env)
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, poolSize: 4 })
  if (!database.pool) throw new Error('The bench needs PostgreSQL (DATABASE_URL)')
  await migrateToLatest(database.db)
  const key = Buffer.from(config.SECRET_KEY ?? '', 'hex')
  const db = database.db
  return {
    db,
    pool: database.pool,
    tokens: createTokenService({
      db,
      box: new SecretBox(key),
      clock: systemClock,
      audience: config.TOKEN_AUDIENCE,
    }),
    passwords: createPasswordHasher(config),
    sessionDeps: {
      db,
      clock: systemClock,
      secrets: createSecretHasher(key),
      ttlDays: config.SESSION_TTL_DAYS,
    },
    termsVersion: config.TERMS_VERSION,
    runId: randomUUID().slice(0, 8),
    scale,
    close: () => database.close(),
  }
}

/** A scenario's person, made once per run: scenarios that read as the same person share them. */
function once<T>(make: (bench: Bench) => Promise<T>): (bench: Bench) => Promise<T> {
  const made = new WeakMap<Bench, Promise<T>>()
  return (bench) => {
    const found = made.get(bench) ?? make(bench)
    made.set(bench, found)
    return found
  }
}

const timestamps = () => ({ created_at: new Date(), updated_at: new Date() })

/**
 * A signed-in health professional as GET /v1/me sees one: three addresses, two practice places (one at a
 * lab centre), three current rights, an open session and an access token for it.
 */
export const signedInPerson = once(async function signedInPerson(bench: Bench) {
  const { db, runId } = bench
  const now = new Date()
  const account = await db
    .insertInto('accounts')
    .values({
      status: 'active',
      profile: 'health_professional',
      civility: 'MME',
      practice_civility: 'DR',
      first_name: 'Claire',
      last_name: `Banc ${runId}`,
      profession_code: '10',
      rpps: `9${String(randomInt(1e9)).padStart(10, '0')}`,
      phones: ['+33612345678'],
      terms_version: bench.termsVersion,
      terms_accepted_at: now,
      validated_at: now,
      ...timestamps(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('account_emails')
    .values(
      ['login', 'notify', 'other'].map((kind) => ({
        account_id: account.id,
        address: `claire.${kind}.${runId}@example.org`,
        address_key: `claire.${kind}.${runId}@example.org`,
        is_login: kind === 'login',
        is_notification: kind === 'notify',
        verified_at: now,
        created_at: now,
      })),
    )
    .execute()
  const structures = await db
    .insertInto('structures')
    .values(
      ['Cabinet des Lilas', 'Clinique du Parc'].map((name) => ({
        kind: 'practice' as const,
        name: `${name} ${runId}`,
        postal_code: '69003',
        city: 'Lyon',
        department_code: '69',
        ...timestamps(),
      })),
    )
    .returning('id')
    .execute()
  const lab = await ensureLab(bench, 'bench-lab')
  const center = await db
    .insertInto('lab_centers')
    .values({ lab_id: lab, code: `C-${runId}`, name: 'Centre Part-Dieu', city: 'Lyon', ...timestamps() })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('practice_places')
    .values(
      structures.map((structure, index) => ({
        account_id: account.id,
        structure_id: structure.id,
        lab_center_id: index === 1 ? center.id : null,
        is_primary: index === 0,
        status: 'confirmed' as const,
        created_at: now,
      })),
    )
    .execute()
  await db
    .insertInto('rights')
    .values(
      [
        [0, 'results'],
        [0, 'invoices'],
        [1, 'results'],
      ].map(([index, name]) => ({
        account_id: account.id,
        structure_id: structures[index as number]!.id,
        name: name as 'results' | 'invoices',
        granted_at: now,
      })),
    )
    .execute()
  return signIn(bench, account.id)
})

/** An open session of the account, signed in with password and TOTP, and an access token for it. */
async function signIn(bench: Bench, accountId: string) {
  const now = new Date()
  const amr = ['pwd', 'otp', 'mfa']
  const { session } = await openSession(bench.sessionDeps, { accountId, amr, authTime: now })
  const { token } = await bench.tokens.issue({
    typ: 'person',
    sub: accountId,
    sid: session.id,
    amr,
    auth_time: Math.floor(now.getTime() / 1000),
  })
  return { accountId, sessionId: session.id, token }
}

const person = (runId: string, profile: 'health_professional' | 'collaborator', index: number) => ({
  status: 'active' as const,
  profile,
  civility: 'MME' as const,
  first_name: profile === 'collaborator' ? 'Inès' : 'Hélène',
  last_name: `Queue ${runId} ${index}`,
  ...(profile === 'health_professional' && {
    rpps: `8${String(randomInt(1e10)).padStart(10, '0')}`,
    profession_code: '10',
    practice_civility: 'DR' as const,
  }),
  terms_version: 'bench',
  terms_accepted_at: new Date(),
  ...timestamps(),
})

/** Requests decided by other professionals, so that the queue is read out of a table of this size. */
const BACKGROUND_REQUESTS = 100_000

/**
 * The approval queue of a medical secretary, as GET /v1/approvals sees it: she is the delegate of three
 * professionals, each at their own practice, with 25 pending requests and 150 decided ones apiece, from
 * 40 collaborators; the table also holds 100,000 requests of 200 other professionals (one in ten
 * pending), made once per bench database.
 */
export const approvalQueue = once(async function approvalQueue(bench: Bench) {
  const { db, runId } = bench
  const now = Date.now()
  const insertPersons = (profile: 'health_professional' | 'collaborator', count: number) =>
    db
      .insertInto('accounts')
      .values(Array.from({ length: count }, (_, index) => person(runId, profile, index)))
      .returning('id')
      .execute()
      .then((rows) => rows.map((row) => row.id))
  const insertStructures = (count: number) =>
    db
      .insertInto('structures')
      .values(
        Array.from({ length: count }, (_, index) => ({
          kind: 'practice' as const,
          name: `Cabinet ${runId} ${index}`,
          city: 'Nantes',
          ...timestamps(),
        })),
      )
      .returning('id')
      .execute()
      .then((rows) => rows.map((row) => row.id))
  const [secretary] = await insertPersons('collaborator', 1)
  const professionals = await insertPersons('health_professional', 3)
  const practices = await insertStructures(3)
  const requesters = await insertPersons('collaborator', 40)
  await db
    .insertInto('account_emails')
    .values(
      requesters.map((id, index) => ({
        account_id: id,
        address: `demandeur.${runId}.${index}@example.org`,
        address_key: `demandeur.${runId}.${index}@example.org`,
        is_login: true,
        is_notification: true,
        verified_at: new Date(),
        created_at: new Date(),
      })),
    )
    .execute()
  await db
    .insertInto('practice_places')
    .values(
      professionals.map((professional, index) => ({
        account_id: professional,
        structure_id: practices[index]!,
        is_primary: true,
        status: 'confirmed' as const,
        created_at: new Date(),
      })),
    )
    .execute()
  await db
    .insertInto('delegations')
    .values(
      professionals.map((professional, index) => ({
        professional_id: professional,
        structure_id: practices[index]!,
        delegate_id: secretary!,
        created_by: professional,
        created_at: new Date(),
      })),
    )
    .execute()
  const requests = professionals.flatMap((professional, p) =>
    Array.from({ length: 175 }, (_, index) => {
      const pending = index < 25
      return {
        account_id: requesters[(p * 175 + index) % requesters.length]!,
        structure_id: practices[p]!,
        approver_id: professional,
        rights: (index % 3 === 0 ? ['results', 'invoices'] : ['results']) as RightName[],
        status: pending ? ('pending' as const) : ('approved' as const),
        granted_rights: pending ? null : (['results'] as RightName[]),
        decided_by: pending ? null : professional,
        decided_at: pending ? null : new Date(now - index * 3_600_000),
        created_at: new Date(now - index * 3_600_000 - p * 60_000),
      }
    }),
  )
  await db.insertInto('access_requests').values(requests).execute()
  const { count } = await db
    .selectFrom('access_requests')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  const background = BACKGROUND_REQUESTS * bench.scale
  if (Number(count) < background) {
    const others = await insertPersons('health_professional', 200)
    const structures = await insertStructures(200)
    await sql`
      insert into access_requests (account_id, structure_id, approver_id, rights, status, created_at)
      select (${sql.val(requesters)}::uuid[])[1 + i % 40], (${sql.val(structures)}::uuid[])[1 + i % 200],
             (${sql.val(others)}::uuid[])[1 + i % 200], array['results'],
             case when i % 10 = 0 then 'pending' else 'approved' end,
             now() - make_interval(mins => i)
      from generate_series(1, ${background}) as i`.execute(db)
    await sql`analyze access_requests`.execute(db)
  }
  return signIn(bench, secretary!)
})

/**
 * `count` active accounts that sign in with `password`: hashed once with the service's hasher (its
 * ARGON2_* settings), the hash shared. New addresses each run, so the per-address throttle starts afresh.
 */
export async function signInAccounts(bench: Bench, count: number, password: string): Promise<string[]> {
  const { db, runId } = bench
  const now = new Date()
  const hash = await bench.passwords.hash(password)
  const ids = Array.from({ length: count }, () => randomUUID())
  await db
    .insertInto('accounts')
    .values(
      ids.map((id, index) => ({
        id,
        status: 'active' as const,
        profile: 'collaborator' as const,
        civility: 'M' as const,
        first_name: 'Paul',
        last_name: `Banc ${runId} ${index}`,
        password_hash: hash,
        password_changed_at: now,
        terms_version: bench.termsVersion,
        terms_accepted_at: now,
        ...timestamps(),
      })),
    )
    .execute()
  // Several calls in one run (sign-in, reset timing) each get addresses of their own.
  const batch = randomUUID().slice(0, 8)
  const addresses = ids.map((_, index) => `paul.${runId}.${batch}.${index}@example.org`)
  await db
    .insertInto('account_emails')
    .values(
      ids.map((id, index) => ({
        account_id: id,
        address: addresses[index]!,
        address_key: addresses[index]!,
        is_login: true,
        is_notification: true,
        verified_at: now,
        created_at: now,
      })),
    )
    .execute()
  return addresses
}

export async function ensureLab(bench: Bench, labId: string): Promise<string> {
  await bench.db
    .insertInto('labs')
    .values({ id: labId, name: `Laboratoire ${labId}`, requires_correspondent_code: true, ...timestamps() })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  return labId
}

/** A new machine client of the lab, and a lab token for it through the service's OAuth endpoint. */
export async function labToken(bench: Bench, baseUrl: string, labId: string): Promise<string> {
  await ensureLab(bench, labId)
  const actor = { type: 'system' as const, id: null, requestId: null }
  const client = await createLabClient(
    { db: bench.db, clock: systemClock },
    actor,
    labId,
    `LIS ${bench.runId}`,
  )
  const response = await fetch(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  if (!response.ok) throw new Error(`lab token: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { access_token: string }).access_token
}

/** People of the bench database besides the scenarios' own, at the normal volume (times `--scale`). */
const POPULATION = 20_000

/**
 * The users around the scenarios' own, made once per bench database: 20,000 accounts (times the
 * scale), each with an address, an open session, a confirmed practice place at one of 2,000 structures
 * and a right there, so that the hot reads' indexes are read at the size of a real service.
 */
export async function ensurePopulation(bench: Bench) {
  const { db } = bench
  const people = POPULATION * bench.scale
  const { count } = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('last_name', 'like', 'Population %')
    .executeTakeFirstOrThrow()
  if (Number(count) >= people) return
  const from = Number(count)
  await sql`
    insert into structures (kind, name, city, created_at, updated_at)
    select 'practice', 'Population ' || i, 'Ville ' || (i % 300), now(), now()
    from generate_series(${Math.floor(from / 10) + 1}::integer, ${people / 10}::integer) as i`.execute(db)
  await sql`
    insert into accounts (status, profile, civility, first_name, last_name, rpps, terms_version,
      terms_accepted_at, created_at, updated_at)
    select 'active', case when i % 2 = 0 then 'health_professional' else 'collaborator' end, 'MME',
      'Prénom ' || i, 'Population ' || i, case when i % 2 = 0 then (30000000000 + i)::text end,
      ${bench.termsVersion}, now(), now(), now()
    from generate_series(${from + 1}::integer, ${people}::integer) as i`.execute(db)
  await sql`
    with new as (select id, substring(last_name from 12)::integer as n from accounts
                 where last_name like 'Population %' and substring(last_name from 12)::integer > ${from}::integer),
         emails as (insert into account_emails (account_id, address, address_key, is_login, is_notification,
                      verified_at, created_at)
                    select id, 'population.' || n || '@example.org', 'population.' || n || '@example.org',
                      true, true, now(), now() from new),
         opened as (insert into sessions (account_id, amr, auth_time, created_at, last_used_at, expires_at)
                    select id, '{pwd,otp,mfa}', now(), now(), now(), now() + interval '30 days' from new),
         places as (insert into practice_places (account_id, structure_id, is_primary, status, created_at)
                    select new.id, s.id, true, 'confirmed', now() from new
                    join structures s on s.name = 'Population ' || (1 + new.n / 10)
                    returning account_id, structure_id)
    insert into rights (account_id, structure_id, name, granted_at)
    select account_id, structure_id, 'results', now() from places`.execute(db)
  await sql`analyze`.execute(db)
}
