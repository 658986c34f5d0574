import { Readable } from 'node:stream'
import { pino } from 'pino'
import { systemClock } from '../../src/clock.ts'
import { importDirectory, importReport } from '../../src/directory/importer.ts'
import { CITIES, COMMON_LAST_NAME_COUNT, FIRST_NAMES, LAST_NAMES } from '../directory/french-data.ts'
import { GENERATOR_EDITION, generateFinessLines } from '../directory/generate.ts'
import { createRandom } from '../directory/random.ts'
import type { HttpScenario } from './http.ts'
import type { Bench } from './setup.ts'

// At the normal volume (times `--scale`).
const ESTABLISHMENTS = 100_000
const QUERIES = 400

/**
 * Queries as people type them into a search box, 2 or 3 words in any order, some cut short: a person by
 * first and last name, by name and city, by name, first name and city; an establishment by kind and
 * city, by its own name, by its own name and city. Every other query is a person's.
 */
export function wordQueries(count = QUERIES, seed = 16): { path: string; query: string }[] {
  const random = createRandom(seed)
  const lastName = () =>
    random.chance(0.5)
      ? random.pick(LAST_NAMES.slice(0, COMMON_LAST_NAME_COUNT))
      : random.pick(LAST_NAMES.slice(COMMON_LAST_NAME_COUNT))
  const firstName = () => random.pick(random.chance(0.5) ? FIRST_NAMES.M : FIRST_NAMES.MME)
  const city = () => random.pick(CITIES).name
  // A word being typed: its first 3 letters or more.
  const typing = (word: string) => (random.chance(0.3) ? word.slice(0, 3 + random.int(3)) : word)
  // Benoît is a first and a last name: a query is not the same word twice.
  const otherThan = (word: string, pick: () => string) => {
    let other = pick()
    while (other === word) other = pick()
    return other
  }
  const people = [
    () => {
      const first = firstName()
      return `${first} ${typing(otherThan(first, lastName))}`
    },
    () => `${lastName()} ${typing(city())}`,
    () => {
      const last = lastName()
      return `${last} ${otherThan(last, firstName)} ${typing(city())}`
    },
  ]
  const establishments = [
    () =>
      `${random.pick(['pharmacie', 'laboratoire', 'centre sante', 'ehpad', 'centre hospitalier'])} ${typing(city())}`,
    () => `${random.pick(['pharmacie', 'laboratoire', 'ehpad'])} ${typing(lastName())}`,
    () => `${lastName()} ${typing(city())}`,
  ]
  return Array.from({ length: count }, (_, n) =>
    n % 2 === 0
      ? { path: 'professionals', query: random.pick(people)() }
      : { path: 'establishments', query: random.pick(establishments)() },
  )
}

/** What the bench's FINESS imports are recorded as: named after the generators' edition. */
const FINESS_SOURCE = `bench_${GENERATOR_EDITION}`

/** The FINESS directory of `count` generated establishments, imported unless already there. */
async function ensureEstablishments(bench: Bench, count: number) {
  const { rows } = await bench.pool.query(
    `select (select count(*)::integer from directory_establishments) as n,
       (select source from directory_imports where kind = 'finess' and status = 'succeeded'
         order by started_at desc limit 1) as source,
       exists (select 1 from directory_establishment_words where rows > 0) as counted`,
  )
  // Imported again when generated otherwise, or before the import counted each word's rows.
  if (rows[0].n >= count && rows[0].source === FINESS_SOURCE && rows[0].counted) return
  const lines = generateFinessLines({ establishments: count, seed: 42, badLineRatio: 0 })
  const input = Readable.from(
    (function* () {
      for (const line of lines) yield Buffer.from(`${line}\n`, 'latin1')
    })(),
  )
  const deps = { db: bench.db, pool: bench.pool, clock: systemClock, logger: pino({ level: 'warn' }) }
  const id = await importDirectory(deps, 'finess', input, { source: FINESS_SOURCE, requestedBy: null })
  const report = await importReport(bench.db, id)
  if (report?.status !== 'succeeded') throw new Error(`FINESS import failed: ${report?.error}`)
  await bench.pool.query('vacuum analyze directory_establishments')
}

export const wordSearchScenario: HttpScenario = {
  id: 'words',
  name: 'GET /v1/directory/…?q= (2–3 words)',
  goals: { ratio: 0.85, p99Ratio: 1.3 },
  hotRead: true,
  latency: { connections: 4, p99Ms: 20 },
  async prepare(bench) {
    await ensureEstablishments(bench, ESTABLISHMENTS * bench.scale)
    const queries = wordQueries()
    const path = (n: number) => {
      const { path, query } = queries[n % queries.length]!
      return `${path}?q=${encodeURIComponent(query)}&limit=20`
    }
    return {
      service: (n) => ({ method: 'GET', path: `/v1/directory/${path(n)}` }),
      baseline: (n) => ({ method: 'GET', path: `/directory/words/${path(n)}` }),
    }
  },
}
