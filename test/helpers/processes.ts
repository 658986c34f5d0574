import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface ServiceProcess {
  child: ChildProcess
  /** The `msg` of every JSON log line so far. */
  messages: string[]
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

/** Starts a command that serves Sésame, and resolves once its log says it is listening. */
export async function startService(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const messages: string[] = []
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return
      const message = JSON.parse(line).msg as string
      messages.push(message)
      if (message.startsWith('Server listening')) resolve()
    })
    exited.then((code) => reject(new Error(`${command} exited with ${code} before listening`)))
  })
  return { child, messages, exited }
}
