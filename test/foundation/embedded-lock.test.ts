import { execFile, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database.ts'
import { DatabaseInUseError, lockEmbeddedDatabase } from '../../src/db/embedded-lock.ts'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sesame-lock-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

const run = promisify(execFile)
const migrate = (env: Record<string, string>) =>
  run(process.execPath, ['--require', './scripts/require-node.cjs', 'scripts/migrate.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
  }).then(
    (output) => ({ code: 0, ...output }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

describe('the embedded database, wanted by two processes', () => {
  it('a script started while the service holds it says in one line which process to stop, and exits', async () => {
    const pg = join(dataDir, 'pg')
    const database = await openDatabase({ dataDir: pg })
    try {
      expect((await readFile(`${pg}.lock`, 'utf8')).trim()).toBe(String(process.pid))
      const refused = await migrate({ DATA_DIR: dataDir })
      expect(refused.code).toBe(75)
      expect(refused.stderr).toBe(
        `The embedded database in ${pg} is in use by process ${process.pid}: stop it, or set DATABASE_URL.\n`,
      )
      await expect(openDatabase({ dataDir: pg })).rejects.toThrow(DatabaseInUseError)
    } finally {
      await database.close()
    }
    expect(existsSync(`${pg}.lock`)).toBe(false)
    const migrated = await migrate({ DATA_DIR: dataDir })
    expect(migrated.code, migrated.stderr).toBe(0)
    expect(existsSync(`${pg}.lock`)).toBe(false)
  }, 120_000)

  it('a lock left by a process that is gone is taken over', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
    const stale = join(dataDir, 'stale')
    await writeFile(`${stale}.lock`, `${gone.stdout}\n`)
    const unlock = await lockEmbeddedDatabase(stale)
    expect((await readFile(`${stale}.lock`, 'utf8')).trim()).toBe(String(process.pid))
    unlock()
    expect(existsSync(`${stale}.lock`)).toBe(false)
  })

  it('a lock naming this process’s PID, left by an earlier process (a container’s PID 1), is stale', async () => {
    const earlier = join(dataDir, 'earlier')
    await writeFile(`${earlier}.lock`, `${process.pid}\n`)
    const unlock = await lockEmbeddedDatabase(earlier)
    await expect(lockEmbeddedDatabase(earlier)).rejects.toMatchObject({ pid: process.pid })
    unlock()
  })
})
