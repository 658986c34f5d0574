import { sql } from 'kysely'
import { mailboxDirectoryJson } from '../../src/mailboxes/directory.ts'
import { sortName } from '../../src/mailboxes/sort-name.ts'
import { CITIES, FIRST_NAMES, LAST_NAMES, STREET_TYPES, STREETS } from '../directory/french-data.ts'
import { createRandom } from '../directory/random.ts'
import type { BaselineRoute, Query } from './baseline-routes.ts'
import type { HttpScenario } from './http.ts'
import { inSession, kyselyOf } from './session-check.ts'
import { type Bench, signedInPerson } from './setup.ts'

/** How many active, listed mailboxes the directory search runs over. */
export const BENCH_MAILBOXES = 100_000
const DOMAIN = 'bench.mssante.example'

/** What people type in the directory: one or two word beginnings, any case, some with accents. */
export const MAILBOX_QUERIES = [
  'pharm',
  'pharmacie du',
  'Cab',
  'cabinet méd',
  'centre hosp',
  'card',
  'lyon',
  'tou',
  'bor',
  'nan',
  'mar',
  'Hél',
  'martin',
  'clin',
  'labo',
  'ehpad',
  'radio',
  'maison sant',
  'infir',
  'saint',
  'gare',
  'lilas',
  'pédia',
  'urg',
  'strasb',
  'dr mar',
  'ren',
  'ajac',
  'pointe',
  'kiné',
]

const PHARMACIES = [
  'du Centre',
  'de la Gare',
  'des Lilas',
  "de l'Église",
  'du Marché',
  'Saint-Éloi',
  'de la Place',
  'du Parc',
  'Centrale',
  'des Arcades',
]
const SERVICES = [
  'Cardiologie',
  'Pédiatrie',
  'Urgences',
  'Radiologie',
  'Maternité',
  'Oncologie',
  'Secrétariat médical',
]

/** A box as an operator's directory holds them: pharmacies, practices, hospital services, labs… */
function aMailbox(random: ReturnType<typeof createRandom>, index: number, creator: string) {
  const city = random.pick(CITIES)
  const person = () =>
    `${random.pick(random.chance(0.5) ? FIRST_NAMES.M : FIRST_NAMES.MME)} ${random.pick(LAST_NAMES)}`
  const street = `${1 + random.int(120)} ${random.pick(STREET_TYPES)[1]} ${random.pick(STREETS)}`
  const kind = random.int(8)
  const [name, service] = [
    () => [`Pharmacie ${random.pick(PHARMACIES)}`, 'Officine'],
    () => [`Cabinet médical ${random.pick(STREETS)}`, null],
    () => [`Cabinet du Dr ${person()}`, null],
    () => [`Centre hospitalier de ${city.name}`, random.pick(SERVICES)],
    () => [`Laboratoire ${random.pick(LAST_NAMES)}`, 'Biologie médicale'],
    () => [`Maison de santé pluriprofessionnelle de ${city.name}`, null],
    () => [`EHPAD Les ${random.pick(['Tilleuls', 'Glycines', 'Oliviers', 'Mimosas'])}`, null],
    () => [`Cabinet infirmier ${random.pick(LAST_NAMES)}`, random.chance(0.3) ? 'Kinésithérapie' : null],
  ][kind]!() as [string, string | null]
  const description = `${name}${service ? `, ${service}` : ''}, ${city.postalCode} ${city.name}`
  const now = new Date()
  return {
    kind: 'ORG' as const,
    status: 'active' as const,
    contact_email: `contact.${index}@example.org`,
    description,
    identifier_type: 'finess' as const,
    identifier: `B${String(index).padStart(8, '0')}`,
    name,
    service,
    service_key: sortName(service ?? ''),
    address_line: street,
    postal_code: city.postalCode,
    city: city.name,
    region: '76',
    department: city.department,
    phones: ['+33563000000'],
    responsible_civility: 'MME' as const,
    responsible_first_name: 'Claire',
    responsible_last_name: 'Martin',
    responsible_profession: '21',
    responsible_rpps: '10003456786',
    paperless: true,
    listed: true,
    mssante_address: `boite.${index}@${DOMAIN}`,
    sort_name: sortName(name),
    created_by: creator,
    created_at: now,
    updated_at: now,
    validated_at: now,
    activated_at: now,
  }
}

/** The bench's mailboxes, made once per bench database (in batches that stay under the parameter limit). */
async function ensureMailboxes(bench: Bench, creator: string) {
  const { count } = await bench.db
    .selectFrom('mailboxes')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('mssante_address', 'like', `%@${DOMAIN}`)
    .executeTakeFirstOrThrow()
  const boxes = BENCH_MAILBOXES * bench.scale
  if (Number(count) >= boxes) return
  await sql`delete from mailboxes where mssante_address like ${`%@${DOMAIN}`}`.execute(bench.db)
  const random = createRandom(2026)
  for (let from = 0; from < boxes; from += 2000) {
    const rows = Array.from({ length: Math.min(2000, boxes - from) }, (_, i) =>
      aMailbox(random, from + i, creator),
    )
    await bench.db.insertInto('mailboxes').values(rows).execute()
  }
  await sql`vacuum analyze mailboxes`.execute(bench.db)
}

const path = (n: number) => `q=${encodeURIComponent(MAILBOX_QUERIES[n % MAILBOX_QUERIES.length]!)}&limit=20`

export const mailboxDirectoryScenario: HttpScenario = {
  id: 'mailboxes',
  name: `GET /v1/mailboxes/directory?q=…`,
  goals: { ratio: 0.85, p99Ratio: 1.3 },
  hotRead: true,
  async prepare(bench) {
    const reader = await signedInPerson(bench)
    await ensureMailboxes(bench, reader.accountId)
    const authorization = { authorization: `Bearer ${reader.token}` }
    const session = `account=${reader.accountId}&session=${reader.sessionId}`
    return {
      service: (n) => ({ method: 'GET', path: `/v1/mailboxes/directory?${path(n)}`, headers: authorization }),
      baseline: (n) => ({ method: 'GET', path: `/mailboxes/directory?${session}&${path(n)}` }),
    }
  },
}

/**
 * `GET /v1/mailboxes/directory`: the service's one statement, session check included (see
 * src/mailboxes/directory-search.ts).
 */
export const mailboxDirectoryBaseline: BaselineRoute = {
  method: 'GET',
  url: '/mailboxes/directory',
  async handler(pool, request) {
    const { q = '', limit = '20' } = request.query as Query
    const rows = await inSession(
      pool,
      request,
      mailboxDirectoryJson(kyselyOf(pool), { q, limit: Number(limit) }),
    )
    return { items: rows.slice(0, Number(limit)) }
  },
}
