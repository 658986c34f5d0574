import type pg from 'pg'

/** The check of `activeSessionRoles`, which the service's person guard makes on every request. */
export async function activeSession(pool: pg.Pool, account: string | undefined, session: string | undefined) {
  const active = await pool.query(
    `select a.roles from sessions s join accounts a on a.id = s.account_id
     where s.id = $1 and s.account_id = $2 and s.revoked_at is null and s.expires_at > $3 and a.status = 'active'`,
    [session, account, new Date()],
  )
  if (active.rows.length === 0) throw new Error('session not active')
}
