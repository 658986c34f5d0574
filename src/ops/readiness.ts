import { type Kysely, sql } from 'kysely'
import { pendingMigrations } from '../db/migrate.ts'

export type Readiness = { ready: true } | { ready: false; reason: string }

const CHECK_TIMEOUT_MS = 2_000

/** Ready when the database answers in time and every migration of this build is applied. */
export async function checkReadiness<T>(db: Kysely<T>, migrations: string[]): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ ready: false, reason: 'database did not answer in time' }),
      CHECK_TIMEOUT_MS,
    )
  })
  const check = (async (): Promise<Readiness> => {
    try {
      await sql`select 1`.execute(db)
    } catch {
      return { ready: false, reason: 'database unreachable' }
    }
    const pending = await pendingMigrations(db, migrations)
    return pending.length > 0
      ? { ready: false, reason: `migrations pending: ${pending.join(', ')}` }
      : { ready: true }
  })()
  try {
    return await Promise.race([check, timeout])
  } finally {
    clearTimeout(timer)
  }
}
