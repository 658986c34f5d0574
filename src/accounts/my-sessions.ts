import type { Kysely } from 'kysely'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { revokeSession } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import type { DB } from '../db/schema.ts'
import { notFound } from '../shared/errors.ts'

interface SessionsDeps {
  db: Kysely<DB>
  clock: Clock
}

/** The account's open sessions, the most recently used first, the one asking flagged `current`. */
export async function listMySessions(deps: SessionsDeps, person: { sub: string; sid: string }) {
  const rows = await deps.db
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', person.sub)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .orderBy('last_used_at', 'desc')
    .execute()
  return {
    items: rows.map((row) => ({
      id: row.id,
      current: row.id === person.sid,
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      userAgent: row.user_agent,
      ip: row.ip,
    })),
  }
}

/** Ends one of the account's own open sessions, with its audit record; another's, or an ended one, is a 404. */
export async function endMySession(
  deps: SessionsDeps,
  actor: AuditActor,
  accountId: string,
  sessionId: string,
) {
  await deps.db.transaction().execute(async (trx) => {
    const owned = await trx
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (!owned) throw notFound('not_found', 'No such open session.')
    await revokeSession({ db: trx, clock: deps.clock }, owned.id, 'ended_by_owner')
    await recordAudit(trx, deps.clock, actor, {
      action: 'auth.session_ended',
      subjectType: 'session',
      subjectId: owned.id,
    })
  })
}
