import { CompiledQuery, type Kysely } from 'kysely'
import { pendingMigrations } from '../db/migrate.ts'

export type Readiness = { ready: true } | { ready: false; reason: string }

const CHECK_TIMEOUT_MS = 2_000
const PING = CompiledQuery.raw('select 1')

/**
 * Ready when the database answers in time and every migration of this build is applied. Migrations
 * only go forward, so once this instance has seen them all applied, later checks only ping.
 */
export function readinessCheck<T>(db: Kysely<T>, migrations: string[]): () => Promise<Readiness> {
  let migrated = false
  const check = async (): Promise<Readiness> => {
    try {
      await db.executeQuery(PING)
    } catch {
      return { ready: false, reason: 'database unreachable' }
    }
    if (migrated) return { ready: true }
    const pending = await pendingMigrations(db, migrations)
    if (pending.length > 0) return { ready: false, reason: `migrations pending: ${pending.join(', ')}` }
    migrated = true
    return { ready: true }
  }
  return async () => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<Readiness>((resolve) => {
      timer = setTimeout(
        () => resolve({ ready: false, reason: 'database did not answer in time' }),
        CHECK_TIMEOUT_MS,
      )
    })
    try {
      return await Promise.race([check(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
