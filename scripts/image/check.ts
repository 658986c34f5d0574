import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { inStage, replayDockerfile } from './dockerfile.ts'

// `node scripts/image/check.ts` (run by CI): builds the Docker image's file set as `docker build` would
// (see dockerfile.ts), then, in it, runs what the README says runs in the image: the server (CMD, probed
// by the HEALTHCHECK, stopped by SIGTERM), and every npm script of the image's package.json. On
// PostgreSQL when TEST_DATABASE_URL names a server (a database is created and dropped), else on the
// embedded database; `npm run migrate` also runs on the embedded one.

const say = (line: string) => process.stdout.write(`[image] ${line}\n`)
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`
const scratch = await mkdtemp(join(tmpdir(), 'sesame-image-'))
const adminUrl = process.env.TEST_DATABASE_URL
const databaseName = `sesame_image_${process.pid}`
const admin = async (statement: string) => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(statement).finally(() => client.end())
}
const checked = new Set<string>()
/** Process groups still running, killed if the check fails half-way. */
const running = new Set<number>()

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

/** Runs a command to its end in `cwd`; answers its output, or throws with it when it fails. */
async function run(label: string, command: string[], cwd: string, env: Record<string, string>) {
  const started = performance.now()
  const child = spawn(command[0] as string, command.slice(1), { cwd, env })
  const output = collect(child)
  const [code] = await once(child, 'exit')
  if (code !== 0) throw new Error(`${label}: exit code ${code}\n${output.text}`)
  say(`ok   ${label} (${seconds(started)})`)
  return output.text
}

function collect(child: ChildProcess) {
  const output = { text: '' }
  child.stdout?.on('data', (chunk) => (output.text += chunk))
  child.stderr?.on('data', (chunk) => (output.text += chunk))
  return output
}

/**
 * Starts a long-running command in its own process group, waits until `ready` answers true, then stops
 * it: `docker stop` sends SIGTERM to the CMD; a terminal's Ctrl-C sends SIGINT to the whole group (npm
 * forwards neither signal to its script, but the script gets the group's).
 */
async function serve(
  label: string,
  command: string[],
  cwd: string,
  env: Record<string, string>,
  stop: { signal: 'SIGTERM' | 'SIGINT'; group: boolean },
  ready: (output: string) => Promise<boolean>,
) {
  const started = performance.now()
  const child = spawn(command[0] as string, command.slice(1), { cwd, env, detached: true })
  const group = -(child.pid as number)
  running.add(group)
  const output = collect(child)
  const exited = once(child, 'exit')
  const deadline = performance.now() + 60_000
  while (!(await ready(output.text))) {
    if (child.exitCode !== null) throw new Error(`${label}: exited with ${child.exitCode}\n${output.text}`)
    if (performance.now() > deadline) throw new Error(`${label}: not ready within 60 s\n${output.text}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  process.kill(stop.group ? group : (child.pid as number), stop.signal)
  const [code, signal] = await exited
  // npm itself dies of the group's signal; what matters is that its script stopped too.
  while (stop.group && alive(group)) await new Promise((resolve) => setTimeout(resolve, 100))
  running.delete(group)
  if (code !== 0 && !(stop.group && signal === stop.signal))
    throw new Error(`${label}: exit code ${code} on ${stop.signal}\n${output.text}`)
  const how = `${stop.signal}${stop.group ? ' to its process group' : ''}`
  say(`ok   ${label}: ready, then stopped by ${how} (${seconds(started)})`)
}

function alive(group: number) {
  try {
    process.kill(group, 0)
    return true
  } catch {
    return false
  }
}

const succeeds = async (command: string[], cwd: string, env: Record<string, string>) => {
  const child = spawn(command[0] as string, command.slice(1), { cwd, env, stdio: 'ignore' })
  return (await once(child, 'exit'))[0] === 0
}

const started = performance.now()
let databaseCreated = false
try {
  // The build's npm gets a cache of its own (`npm cache clean` in the Dockerfile must not empty this
  // machine's), filled with hard links to this machine's cache when there is one, so nothing is downloaded.
  const cache = join(scratch, 'npm-cache')
  const machineCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim()
  mkdirSync(cache)
  if (machineCache && existsSync(join(machineCache, '_cacache')))
    spawnSync('cp', ['-al', join(machineCache, '_cacache'), join(cache, '_cacache')])
  const stages = replayDockerfile(process.cwd(), scratch, { npm_config_cache: cache }, (step) =>
    say(
      step.ran
        ? `ok   RUN ${step.run} [${step.stage}] (${step.seconds.toFixed(1)} s)`
        : `skip RUN ${step.run} [${step.stage}]: image set-up`,
    ),
  )
  const image = stages.find((stage) => stage.final)
  if (!image?.cmd || !image.healthcheck) throw new Error('the last stage has no CMD or HEALTHCHECK')
  const app = inStage(image, '.')
  const scripts = Object.keys(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).scripts ?? {})
  const npm = (script: string, ...args: string[]) => {
    checked.add(script)
    return ['npm', 'run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])]
  }

  const port = await freePort()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    ...image.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: join(app, 'data'),
    SECRET_KEY: randomBytes(32).toString('hex'),
    MSSANTE_DOMAIN: 'mssante.example.org',
    LOG_LEVEL: 'info',
  }
  const embedded = { ...env, DATA_DIR: join(scratch, 'embedded') }
  await run('npm run migrate, on the embedded database', npm('migrate'), app, embedded)
  if (adminUrl) {
    await admin(`create database ${databaseName}`)
    databaseCreated = true
    env.DATABASE_URL = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString()
  }
  await run('npm run migrate', npm('migrate'), app, env)
  const healthy = () => succeeds(image.healthcheck ?? [], app, env)
  const ctrlC = { signal: 'SIGINT', group: true } as const
  await serve(`CMD ${image.cmd.join(' ')}`, image.cmd, app, env, { signal: 'SIGTERM', group: false }, healthy)
  await serve('npm start', npm('start'), app, env, ctrlC, healthy)
  const agent = await run(
    'npm run admin:create',
    npm('admin:create', '--email', 'agent@example.org', '--first-name', 'Image', '--last-name', 'Check'),
    app,
    env,
  )
  if (!/Provisional access code/.test(agent))
    throw new Error(`npm run admin:create printed no code:\n${agent}`)
  await run('npm run mail:test', npm('mail:test', '--to', 'ops@example.org'), app, env)
  const mail = join(app, 'data', 'mail')
  await serve('npm run worker, sending the test email', npm('worker'), app, env, ctrlC, async () =>
    existsSync(mail) ? readdirSync(mail).some((name) => name.endsWith('.eml')) : false,
  )
  const rpps = join(scratch, 'rpps.txt')
  await run(
    'node scripts/directory/generate.js',
    ['node', 'scripts/directory/generate.js', '--kind', 'rpps', '--lines', '300', '--out', rpps],
    app,
    env,
  )
  await run('npm run directory:import', npm('directory:import', '--rpps', rpps), app, env)

  const unchecked = scripts.filter((script) => !checked.has(script))
  if (unchecked.length > 0)
    throw new Error(`scripts of the image not checked here: ${unchecked.join(', ')} (add them to this file)`)
  say(`the image's server and scripts (${scripts.join(', ')}) work (${seconds(started)})`)
} catch (error) {
  say(`FAILED: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  for (const group of running) process.kill(group, 'SIGKILL')
  await rm(scratch, { recursive: true, force: true })
  if (databaseCreated) await admin(`drop database if exists ${databaseName} with (force)`)
}
