import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export type LogLine = Record<string, unknown> & { msg: string; level: number }

/** The service as ops run it: a process of its own, its JSON log lines read as they come. */
export interface Service {
  readonly port: number
  readonly url: string
  readonly child: ChildProcess
  /** Every log line so far, parsed. */
  readonly lines: LogLine[]
  /** What the process wrote on stderr. */
  readonly stderr: string[]
  /** The exit code, once the process has ended. */
  readonly exited: Promise<number | null>
  /** The first log line (past or to come) that matches. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>
}

/**
 * Spawns `node src/server.ts` (or another entry, or another command such as `./sesame start`) on a
 * free port, with a data folder and key of its own; resolves once it listens, unless `listening: false`.
 */
export async function startService(
  env: Record<string, string>,
  options: { entry?: string; command?: [string, ...string[]]; listening?: boolean } = {},
): Promise<Service> {
  const port = await freePort()
  const [command, ...args] = options.command ?? [process.execPath, options.entry ?? 'src/server.ts']
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      SESAME_NO_INSTALL: '1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATA_DIR: await mkdtemp(join(tmpdir(), 'sesame-service-')),
      SECRET_KEY: randomBytes(32).toString('hex'),
      // Parallel test files load the machine: no load shedding here either.
      MAX_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: LogLine[] = []
  const stderr: string[] = []
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = []
  createInterface({ input: child.stdout! }).on('line', (text) => {
    // A line that is not JSON (a raw stack trace) is kept as such, for a test to refuse.
    let line: LogLine
    try {
      line = JSON.parse(text) as LogLine
    } catch {
      line = { msg: text, level: -1 }
    }
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (!waiter.match(line)) continue
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(line)
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(String(chunk)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const service: Service = {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    lines,
    stderr,
    exited,
    waitFor(match) {
      const seen = lines.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve })
        exited.then((code) => reject(new Error(`the service exited (${code}) first: ${stderr.join('')}`)))
      })
    },
  }
  if (options.listening !== false) await service.waitFor((line) => line.msg.startsWith('Server listening'))
  return service
}

/** Ends the process if a test left it running. */
export async function stopService(service: Service): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL')
  await service.exited
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
