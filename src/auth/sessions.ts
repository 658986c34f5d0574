import { type RawBuilder, sql } from 'kysely'
import type { Clock } from '../clock.ts'
import { PREPARED } from '../db/database.ts'
import { fixedStatement } from '../db/fixed-statement.ts'
import type { Executor } from '../db/schema.ts'
import type { SecretHasher } from './secrets.ts'
import { randomToken } from './secrets.ts'

const REFRESH_PURPOSE = 'refresh'

export interface SessionDeps {
  db: Executor
  clock: Clock
  secrets: SecretHasher
  ttlDays: number
}

export interface NewSession {
  accountId: string
  amr: string[]
  authTime: Date
  userAgent?: string | undefined
  ip?: string | undefined
}

/** Opens a session and its first refresh token. */
export async function openSession(deps: SessionDeps, input: NewSession) {
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + deps.ttlDays * 86_400_000)
  const session = await deps.db
    .insertInto('sessions')
    .values({
      account_id: input.accountId,
      amr: input.amr,
      auth_time: input.authTime,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      ip: input.ip ?? null,
      created_at: now,
      last_used_at: now,
      expires_at: expiresAt,
    })
    .returning(['id', 'account_id', 'amr', 'auth_time'])
    .executeTakeFirstOrThrow()
  const refreshToken = await issueRefreshToken(deps, session.id, expiresAt)
  return { session, refreshToken }
}

async function issueRefreshToken(deps: SessionDeps, sessionId: string, expiresAt: Date): Promise<string> {
  const token = `${sessionId}.${randomToken()}`
  await deps.db
    .insertInto('refresh_tokens')
    .values({
      token_hash: deps.secrets.hash(REFRESH_PURPOSE, token),
      session_id: sessionId,
      expires_at: expiresAt,
      created_at: deps.clock.now(),
    })
    .execute()
  return token
}

export type Rotation =
  | {
      ok: true
      session: { id: string; account_id: string; amr: string[]; auth_time: Date }
      refreshToken: string
    }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'revoked' }

/**
 * Spends a refresh token and gives the next one. A token spent before and presented again means it was
 * copied: the whole session ends (refresh token reuse detection).
 */
export async function rotateRefreshToken(deps: SessionDeps, token: string): Promise<Rotation> {
  const now = deps.clock.now()
  const hash = deps.secrets.hash(REFRESH_PURPOSE, token)
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens as t')
      .innerJoin('sessions as s', 's.id', 't.session_id')
      .select(['t.used_at', 't.expires_at', 's.id', 's.account_id', 's.amr', 's.auth_time', 's.revoked_at'])
      .where('t.token_hash', '=', hash)
      .forUpdate()
      .executeTakeFirst()
    if (!row) return { ok: false, reason: 'unknown' } as const
    if (row.revoked_at) return { ok: false, reason: 'revoked' } as const
    if (row.used_at) {
      await revokeSession({ ...deps, db: trx }, row.id, 'refresh_token_reused')
      return { ok: false, reason: 'reused' } as const
    }
    if (row.expires_at <= now) return { ok: false, reason: 'expired' } as const
    await trx.updateTable('refresh_tokens').set({ used_at: now }).where('token_hash', '=', hash).execute()
    await trx.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.id).execute()
    const refreshToken = await issueRefreshToken({ ...deps, db: trx }, row.id, row.expires_at)
    return {
      ok: true,
      session: { id: row.id, account_id: row.account_id, amr: row.amr, auth_time: row.auth_time },
      refreshToken,
    } as const
  })
}

export async function revokeSession(
  deps: Pick<SessionDeps, 'db' | 'clock'>,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const result = await deps.db
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Ends every open session of the account, but `except` (the one the change is made in) when given. */
export async function revokeAllSessions(
  deps: Pick<SessionDeps, 'db' | 'clock'>,
  accountId: string,
  reason: string,
  except?: string,
): Promise<number> {
  const result = await deps.db
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now(), revoked_reason: reason })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .$if(except !== undefined, (query) => query.where('id', '!=', except!))
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** SQL: the session `s` of the account `a`, while it is open, unexpired and the account active. */
export const openSessionOf = (clock: Clock, sessionId: string, accountId: string) => sql`
  sessions s join accounts a on a.id = s.account_id
  where s.id = ${sessionId} and s.account_id = ${accountId} and s.revoked_at is null
    and s.expires_at > ${clock.now()} and a.status = 'active'`

/**
 * The account's current roles while the session is open, unexpired and the account active; null
 * otherwise. One indexed look-up: the roles come with the check, so a role withdrawn stops at once.
 */
export async function activeSessionRoles(
  db: Executor,
  clock: Clock,
  sessionId: string,
  accountId: string,
): Promise<string[] | null> {
  const { rows } = await sql<{ roles: string[] }>`
    select a.roles from ${openSessionOf(clock, sessionId, accountId)}`.execute(db)
  return rows[0]?.roles ?? null
}

/** The session a hot read checks in its own statement: the token's session and account. */
export interface SessionRef {
  sid: string
  sub: string
}

/**
 * A hot read in one statement, session check included (routes guarded by `guard.personChecked`): the
 * CTE `session` (`account_id`, `roles`) holds one row while the session is open, unexpired and the
 * account active, with the same conditions as `activeSessionRoles`; `body`, a scalar subquery that may
 * refer to `session.roles`, is computed for that row only. Null once the session has ended (the caller
 * answers 401), else what `body` gives.
 */
export async function readInSession<T>(
  db: Executor,
  clock: Clock,
  session: SessionRef,
  body: RawBuilder<T>,
  options: { prepared: boolean } = { prepared: true },
): Promise<{ body: T } | null> {
  const { rows } = await sessionStatement(clock, session, body, options).execute(db)
  return rows[0] ?? null
}

/**
 * A hot read whose text never changes, as `readInSession` sends it, built and compiled once
 * (`fixedStatement`) rather than on every request: `body` is given the session's account and the
 * read's own `values` (stand-ins, to place in the statement only).
 */
export function fixedReadInSession<T, Values extends unknown[] = []>(
  body: (db: Executor, accountId: string, ...values: Values) => RawBuilder<T>,
) {
  const statement = fixedStatement((db, sid: string, sub: string, now: Date, ...values: Values) =>
    sessionStatement({ now: () => now }, { sid, sub }, body(db, sub, ...values)),
  )
  return async (
    db: Executor,
    clock: Clock,
    session: SessionRef,
    ...values: Values
  ): Promise<{ body: T } | null> => {
    const { rows } = await db.executeQuery(statement(db, session.sid, session.sub, clock.now(), ...values))
    return rows[0] ?? null
  }
}

/**
 * The statement of `readInSession`, as sent: a named prepared statement (`PREPARED`), unless its plan
 * depends on its values (a word search), then planned each time.
 */
export const sessionStatement = <T>(
  clock: Clock,
  session: SessionRef,
  body: RawBuilder<T>,
  options: { prepared: boolean } = { prepared: true },
) =>
  sql<{ body: T }>`${sql.raw(options.prepared ? PREPARED : '')}with session as materialized (
    select a.id as account_id, a.roles from ${openSessionOf(clock, session.sid, session.sub)})
  select (${body}) as body from session`
