import { type ChildProcess, execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type HttpOptions, measureHttp } from './http.ts'
import { measureImport } from './import.ts'
import { type Figure, formatTable } from './report.ts'
import { measureResetTiming } from './reset-timing.ts'
import { httpScenarios } from './scenarios.ts'
import { ensureDatabase, startServer, stopServer } from './servers.ts'
import { ensurePopulation, openBench } from './setup.ts'
import { measureSync } from './sync.ts'

// `npm run bench [-- --only search,me --duration 10 --connections 20 --quick]`: builds the service,
// measures each scenario against its baseline in the same run (see README, Benchmarks), prints a table.
// Scenarios: import, health, search, words, me, approvals, collaborators, login, mailboxes, reset, sync.
// `--scale 10`: ten times the data, in the database `<name>_x10`. PostgreSQL:
// BENCH_DATABASE_URL, default a `sesame_bench` database on the local server.
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '20' },
    quick: { type: 'boolean', default: false },
    'import-lines': { type: 'string' },
    'sync-items': { type: 'string', default: '10000' },
    'sync-rounds': { type: 'string' },
    scale: { type: 'string', default: '1' },
    // The service's port; the baseline's is the next one.
    port: { type: 'string', default: '3901' },
  },
})
// `--scale 10`: ten times the data (accounts, rights, access requests, directory, mailboxes), in a
// database of its own; each hot read's req/s is then held to within 15% of the normal run's.
const scale = Number(values.scale)
if (!Number.isInteger(scale) || scale < 1) throw new Error('--scale takes a whole number, 1 or more')
const quick = values.quick
const importLines = Number(values['import-lines'] ?? (quick ? 200_000 : 2_000_000)) * scale
const syncItems = Number(values['sync-items'])
const syncRounds = Number(values['sync-rounds'] ?? (quick ? 2 : 5))
const http: HttpOptions = {
  servicePort: Number(values.port),
  baselinePort: Number(values.port) + 1,
  duration: Number(values.duration ?? (quick ? 3 : 10)),
  connections: Number(values.connections),
  warmup: quick ? 1 : 2,
}
const only = values.only?.split(',').map((name) => name.trim())
const selected = (id: string) => !only || only.some((name) => id.includes(name))
// The hot reads are held against the `select 1` route of the health scenario: it runs first with them.
const hotReads = httpScenarios.some((scenario) => scenario.hotRead && selected(scenario.id))
const httpSelected = httpScenarios.filter(
  (scenario) => selected(scenario.id) || (scenario.id === 'health' && hotReads),
)

const normalUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sesame_bench')
const scaledUrl = new URL(normalUrl)
if (scale > 1) scaledUrl.pathname = `${normalUrl.pathname}_x${scale}`
const databaseUrl = scaledUrl.toString()
// Each hot read's req/s of the last normal run on this database, for `--scale` to be held against.
const normalRates = join(tmpdir(), `sesame-bench-${normalUrl.pathname.slice(1)}-hot-reads.json`)
const rates: Record<string, number> = {}
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production' as const,
  SECRET_KEY: '0'.repeat(64),
  MSSANTE_DOMAIN: 'mssante.bench.example',
  RATE_LIMIT_MAX: '100000000',
  OUTBOX_WORKER: 'false',
  // Load comes from many client addresses, named by x-forwarded-for as one proxy would (see http.ts).
  TRUST_PROXY: '1',
}

await ensureDatabase(databaseUrl)
execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
const bench = await openBench(env, scale)

const figures: Figure[] = []
const failures: { scenario: string; error: string }[] = []
const attempt = async (name: string, measure: () => Promise<Figure[]>) => {
  process.stderr.write(`bench: ${name}…\n`)
  try {
    figures.push(...(await measure()))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`bench: ${name} failed: ${message}\n`)
    failures.push({ scenario: name, error: message.split('\n')[0]! })
  }
}

const servers: ChildProcess[] = []
const logs = await mkdtemp(join(tmpdir(), 'sesame-bench-logs-'))
try {
  // The searches run on the imported directory: with none loaded yet, the import runs first.
  const emptyDirectory = async () =>
    (await bench.pool.query('select 1 from directory_persons limit 1')).rowCount === 0
  const searching = httpSelected.some((s) => s.id === 'search' || s.id === 'words')
  if (selected('import') || (searching && (await emptyDirectory()))) {
    await attempt('directory import', () => measureImport(bench.pool, env, importLines, quick ? 1 : 2))
    // Settle the database before the HTTP loads: the vacuum and checkpoint that a 2-million-row import
    // calls for would otherwise run in the middle of them.
    await bench.pool.query('vacuum analyze directory_activities, directory_persons')
    await bench.pool.query('checkpoint')
  }
  if (httpSelected.length > 0) await ensurePopulation(bench)
  if (httpSelected.length > 0 || selected('sync') || selected('reset')) {
    const serve = async (entry: string, port: number, name: string) => {
      servers.push(await startServer(entry, { ...env, PORT: `${port}` }, port, `${logs}/${name}.log`))
    }
    await serve('dist/src/server.js', http.servicePort, 'service')
    await serve('scripts/bench/baseline.ts', http.baselinePort, 'baseline')
  }
  for (const scenario of httpSelected) {
    await attempt(scenario.name, async () => {
      const measured = await measureHttp(scenario, await scenario.prepare(bench), http)
      if (scenario.id === 'health') http.selectOne = measured[0]?.baseline
      if (scenario.hotRead && measured[0]) rates[scenario.id] = measured[0].ours
      return measured
    })
    if (scale > 1 && scenario.hotRead && rates[scenario.id] !== undefined) {
      const normal = await readFile(normalRates, 'utf8')
        .then((text) => (JSON.parse(text) as Record<string, number>)[scenario.id])
        .catch(() => undefined)
      if (normal === undefined) {
        process.stderr.write(`bench: no normal run of ${scenario.id} to hold --scale ${scale} against\n`)
        continue
      }
      figures.push({
        scenario: `${scenario.name}, ${scale}× the data`,
        measure: 'req/s vs normal run',
        ours: rates[scenario.id]!,
        baseline: normal,
        digits: 0,
        goal: { ratioAtLeast: 0.85 },
      })
    }
  }
  if (selected('reset')) {
    await attempt('password-reset timing', () =>
      measureResetTiming(bench, `http://127.0.0.1:${http.servicePort}`, 200),
    )
  }
  if (selected('sync')) {
    await attempt('correspondent sync', () =>
      measureSync(bench, `http://127.0.0.1:${http.servicePort}`, syncItems, syncRounds),
    )
  }
} finally {
  await Promise.all(servers.map(stopServer))
  await bench.close()
}
if (scale === 1 && Object.keys(rates).length > 0) {
  const earlier = await readFile(normalRates, 'utf8')
    .then((text) => JSON.parse(text) as Record<string, number>)
    .catch(() => ({}))
  await writeFile(normalRates, JSON.stringify({ ...earlier, ...rates }))
}
if (failures.length === 0) await rm(logs, { recursive: true, force: true })
else process.stderr.write(`bench: server logs kept in ${logs}\n`)
console.log(formatTable(figures, failures))
// The servers, PostgreSQL and the load generator share this machine: anything else running skews it.
console.log(
  `load average (1, 5, 15 min) at the end: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(', ')}`,
)
process.exitCode = failures.length > 0 ? 1 : 0
