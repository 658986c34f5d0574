import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { type Scenario, scenarios } from './scenarios.ts'

// `npm run bench [-- --duration 10 --connections 20 --only health]`: builds the service, starts it on
// PostgreSQL (BENCH_DATABASE_URL, default a `sesame_bench` database on the local server) beside the
// baseline server, and measures each scenario on both in the same run, alternating, on loopback.
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
})
const duration = Number(values.duration)
const connections = Number(values.connections)
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sesame_bench'

await ensureDatabase(databaseUrl)
execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })

const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  SECRET_KEY: '0'.repeat(64),
  RATE_LIMIT_MAX: '100000000',
  OUTBOX_WORKER: 'false',
}
const service = await start('dist/src/server.js', { ...env, PORT: '3901' }, 3901)
const baseline = await start('scripts/bench/baseline.ts', { ...env, PORT: '3902' }, 3902)

const rows: string[][] = [
  ['scenario', 'req/s', 'baseline req/s', 'ratio', 'p99 ms', 'baseline p99 ms', 'goal'],
]
try {
  for (const scenario of scenarios.filter((s) => !values.only || s.name.includes(values.only))) {
    await measure(scenario, 3901, 2) // warm-up
    await measure(scenario, 3902, 2, true)
    const ours = await measure(scenario, 3901, duration)
    const theirs = await measure(scenario, 3902, duration, true)
    const ratio = ours.requests.average / theirs.requests.average
    rows.push([
      scenario.name,
      ours.requests.average.toFixed(0),
      theirs.requests.average.toFixed(0),
      ratio.toFixed(2),
      String(ours.latency.p99),
      String(theirs.latency.p99),
      scenario.goal ? `≥ ${scenario.goal} ${ratio >= scenario.goal ? 'met' : 'NOT met'}` : '',
    ])
  }
} finally {
  service.kill('SIGTERM')
  baseline.kill('SIGTERM')
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '))

async function measure(scenario: Scenario, port: number, seconds: number, isBaseline = false) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${isBaseline ? scenario.baselinePath : scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections,
    duration: seconds,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${scenario.name} on port ${port}: ${result.non2xx} non-2xx answers, ${result.errors} errors`,
    )
  }
  return result
}

async function start(entry: string, environment: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], { env: environment, stdio: ['ignore', 'ignore', 'inherit'] })
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return child
    await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 200))])
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`)
  }
  throw new Error(`${entry} did not become ready`)
}

async function ensureDatabase(url: string) {
  const name = new URL(url).pathname.slice(1)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  const found = await client.query('select 1 from pg_database where datname = $1', [name])
  if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '')}"`)
  await client.end()
}
