import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { auditRow, recordAudit } from '../audit/audit.ts'
import { randomCode } from '../auth/secrets.ts'
import { openSession, revokeSession, rotateRefreshToken } from '../auth/sessions.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { unauthorized } from '../shared/errors.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import { accountById, accountByLoginAddress, addressKey } from './repository.ts'
import { verifyTotp } from './totp.ts'

const CHALLENGE_MINUTES = 10
const MAX_ATTEMPTS = 5
const invalidCredentials = () => unauthorized('Wrong email or password.', 'invalid_credentials')
const invalidCode = () => unauthorized('This code is wrong or expired.', 'invalid_code')
const sessionDeps = (deps: Deps) => ({
  db: deps.db,
  clock: deps.clock,
  secrets: deps.secrets,
  ttlDays: deps.config.SESSION_TTL_DAYS,
})

/**
 * First step: email and password. Unknown email, wrong password and an account that may not sign in
 * all get the same 401 after the same work (a password hash is verified either way); the true reason
 * goes to the audit trail only.
 */
export async function startSignIn(deps: Deps, context: RequestContext, email: string, password: string) {
  // The account is looked up while the attempt is counted; it is used only if the attempt may go on.
  const [account] = await Promise.all([
    accountByLoginAddress(deps.db, email),
    throttle(deps, `signin:ip:${context.ip}`, LIMITS.signInPerIp),
    throttle(deps, `signin:email:${addressKey(email)}`, LIMITS.signInPerAddress),
  ])
  const matches = await deps.passwords.verify(account?.password_hash ?? null, password)
  const actor = { type: 'anonymous' as const, id: null, requestId: context.requestId }
  const refusal = !account
    ? 'unknown_email'
    : !account.password_hash
      ? 'no_password'
      : !matches
        ? 'wrong_password'
        : account.status !== 'active'
          ? `account_${account.status}`
          : null
  if (refusal || !account?.password_hash) {
    await recordAudit(deps.db, deps.clock, actor, {
      action: 'auth.sign_in_failed',
      subjectType: 'account',
      subjectId: account?.id ?? null,
      reason: refusal,
    })
    throw invalidCredentials()
  }
  if (deps.passwords.needsRehash(account.password_hash)) {
    await deps.db
      .updateTable('accounts')
      .set({ password_hash: await deps.passwords.hash(password) })
      .where('id', '=', account.id)
      .execute()
  }

  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000)
  const factor: 'email' | 'totp' = account.totp_confirmed_at ? 'totp' : 'email'
  // The code is bound to the challenge's id, so the id is chosen here rather than by the database.
  const challengeId = randomUUID()
  const code = factor === 'email' ? randomCode() : null
  // The challenge, its audit record and the email of its code: one statement, so all or nothing, in one
  // round trip rather than a transaction of five.
  const written = deps.db
    .with('challenge', (db) =>
      db.insertInto('login_challenges').values({
        id: challengeId,
        account_id: account.id,
        factor,
        code_hash: code ? deps.secrets.hash('login', `${challengeId}:${code}`) : null,
        expires_at: expiresAt,
        created_at: now,
      }),
    )
    .with('audit', (db) =>
      db.insertInto('audit_events').values(
        auditRow(deps.clock, actor, {
          action: 'auth.password_verified',
          subjectType: 'account',
          subjectId: account.id,
          details: { factor },
        }),
      ),
    )
  if (code) {
    await written
      .insertInto('outbox')
      .values(
        deps.outbox.row({
          to: account.address,
          template: 'account.login_code',
          locale: account.locale,
          data: { firstName: account.first_name },
          secrets: { code },
        }),
      )
      .execute()
  } else {
    await written.selectNoFrom(sql<number>`1`.as('written')).execute()
  }
  return { challengeId, factors: [factor], expiresAt: expiresAt.toISOString() }
}

/** Second step: the emailed code or the authenticator's code, 5 tries; then a session and tokens. */
export async function completeSignIn(deps: Deps, context: RequestContext, challengeId: string, code: string) {
  await throttle(deps, `code:ip:${context.ip}`, LIMITS.codeChecksPerIp)
  const now = deps.clock.now()
  const challenge = await deps.db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challengeId)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .where('attempts', '<', MAX_ATTEMPTS)
    .returning(['account_id', 'factor', 'code_hash'])
    .executeTakeFirst()
  const account = challenge && (await accountById(deps.db, challenge.account_id))
  const correct =
    challenge &&
    account &&
    (challenge.factor === 'email'
      ? deps.secrets.matches('login', `${challengeId}:${code}`, challenge.code_hash)
      : await verifyTotp(deps, account, code))
  const actor = { type: 'anonymous' as const, id: null, requestId: context.requestId }
  // Only one correct answer completes the challenge, however many arrive at once.
  const completed =
    correct &&
    account.status === 'active' &&
    (await deps.db
      .updateTable('login_challenges')
      .set({ completed_at: now })
      .where('id', '=', challengeId)
      .where('completed_at', 'is', null)
      .returning('id')
      .executeTakeFirst())
  if (!completed || !account) {
    await recordAudit(deps.db, deps.clock, actor, {
      action: 'auth.code_failed',
      subjectType: 'account',
      subjectId: account?.id ?? null,
    })
    throw invalidCode()
  }
  const amr = ['pwd', 'otp', 'mfa']
  const { session, refreshToken } = await openSession(sessionDeps(deps), {
    accountId: account.id,
    amr,
    authTime: now,
    userAgent: context.userAgent,
    ip: context.ip,
  })
  await recordAudit(
    deps.db,
    deps.clock,
    { type: 'person', id: account.id, requestId: context.requestId },
    {
      action: 'auth.signed_in',
      subjectType: 'account',
      subjectId: account.id,
      details: { factor: challenge.factor, sessionId: session.id },
    },
  )
  return tokenPair(deps, { accountId: account.id, sessionId: session.id, amr, authTime: now }, refreshToken)
}

/** Access token (who, which session, how and when; no roles or rights) and refresh token, as the API answers them. */
async function tokenPair(
  deps: Deps,
  session: { accountId: string; sessionId: string; amr: string[]; authTime: Date },
  refreshToken: string,
) {
  const { token, expiresIn } = await deps.tokens.issue({
    typ: 'person',
    sub: session.accountId,
    sid: session.sessionId,
    amr: session.amr,
    auth_time: Math.floor(session.authTime.getTime() / 1000),
  })
  return { accessToken: token, refreshToken, tokenType: 'Bearer' as const, expiresIn }
}

/** Spends a refresh token for a new pair, with claims reissued from the current state. */
export async function refreshSession(deps: Deps, context: RequestContext, refreshToken: string) {
  const rotation = await rotateRefreshToken(sessionDeps(deps), refreshToken)
  if (!rotation.ok) {
    if (rotation.reason === 'reused') {
      await recordAudit(
        deps.db,
        deps.clock,
        { type: 'anonymous', id: null, requestId: context.requestId },
        {
          action: 'auth.refresh_token_reused',
          subjectType: 'session',
          subjectId: refreshToken.split('.')[0] ?? null,
          reason: 'the session was ended: a spent refresh token was presented again',
        },
      )
    }
    throw unauthorized('This refresh token is not valid.', 'invalid_grant')
  }
  const account = await accountById(deps.db, rotation.session.account_id)
  if (account?.status !== 'active') {
    await revokeSession(deps, rotation.session.id, `account_${account?.status}`)
    throw unauthorized('This refresh token is not valid.', 'invalid_grant')
  }
  const { session } = rotation
  return tokenPair(
    deps,
    { accountId: session.account_id, sessionId: session.id, amr: session.amr, authTime: session.auth_time },
    rotation.refreshToken,
  )
}
