import { readFileSync, unlinkSync } from 'node:fs'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'

/** A second process opening the embedded database would crash (PGlite holds it alone). */
export class DatabaseInUseError extends Error {
  readonly pid: number | undefined
  constructor(dataDir: string, pid: number | undefined) {
    super(
      `The embedded database in ${dataDir} is in use by ${pid ? `process ${pid}` : 'another process'}: ` +
        'stop it, or set DATABASE_URL.',
    )
    this.name = 'DatabaseInUseError'
    this.pid = pid
  }
}

/** Lock files this process holds: its own PID in a lock file is stale unless listed here. */
const held = new Set<string>()

/**
 * Takes `<dataDir>.lock`, holding this process's PID, for as long as the embedded database is open;
 * answers the function that gives it back (also done when the process exits). A lock whose process is
 * gone is taken over. Throws DatabaseInUseError when a live process holds it.
 */
export async function lockEmbeddedDatabase(dataDir: string): Promise<() => void> {
  const file = `${dataDir}.lock`
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' })
      held.add(file)
      const release = () => {
        if (!held.delete(file)) return
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file)
        } catch {
          // Already gone.
        }
      }
      process.once('exit', release)
      return () => {
        process.off('exit', release)
        release()
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = await lockHolder(file)
    if (holder.live) throw new DatabaseInUseError(dataDir, holder.pid)
    await rm(file, { force: true })
  }
  throw new DatabaseInUseError(dataDir, undefined)
}

async function lockHolder(file: string): Promise<{ live: boolean; pid?: number }> {
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return { live: false }
  const pid = Number.parseInt(text, 10)
  if (!Number.isInteger(pid) || pid <= 0) {
    // Being written this very moment, or left half-written by a crash long ago.
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs
    return { live: age < 10_000 }
  }
  // Our own PID in a lock we do not hold: left by an earlier process that had our PID (a container's 1).
  if (pid === process.pid) return { live: held.has(file), pid }
  return { live: isAlive(pid), pid }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
