import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { setTimeout } from 'node:timers/promises'
import pg from 'pg'

/** Creates the bench database when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '')}"`)
  } finally {
    await client.end()
  }
}

/**
 * Starts a Node.js server entry, its output (logs) to `logFile`, and waits until its `/health/ready`
 * answers 200.
 */
export async function startServer(
  entry: string,
  environment: NodeJS.ProcessEnv,
  port: number,
  logFile: string,
): Promise<ChildProcess> {
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, [entry], { env: environment, stdio: ['ignore', log, log] })
  closeSync(log)
  for (let attempt = 0; attempt < 150; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return child
    await setTimeout(200)
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} (see ${logFile})`)
  }
  child.kill('SIGTERM')
  throw new Error(`${entry} did not become ready`)
}

/** Stops a server started here and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}
