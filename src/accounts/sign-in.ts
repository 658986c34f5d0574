import { recordAudit } from '../audit/audit.ts'
import { openSession, revokeSession, rotateRefreshToken } from '../auth/sessions.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { unauthorized } from '../shared/errors.ts'
import { answerChallenge, issueChallenge } from './challenges.ts'
import { verifyPasswordStep } from './password-step.ts'
import { accountById, loginAccountWithAddress } from './repository.ts'

export const sessionDeps = (deps: Deps) => ({
  db: deps.db,
  clock: deps.clock,
  secrets: deps.secrets,
  ttlDays: deps.config.SESSION_TTL_DAYS,
})

/** First step: email and password (see `verifyPasswordStep`); then a code is mailed, or the app asked. */
export async function startSignIn(deps: Deps, context: RequestContext, email: string, password: string) {
  const actor = { type: 'anonymous' as const, id: null, requestId: context.requestId }
  const verified = await verifyPasswordStep(
    deps,
    context,
    { address: email, password },
    loginAccountWithAddress(deps.db, email),
    { actor, failedAction: 'auth.sign_in_failed' },
  )
  return issueChallenge(deps, actor, verified, { purpose: 'sign_in' })
}

/** Second step: the emailed code or the authenticator's code, 5 tries; then a session and tokens. */
export async function completeSignIn(deps: Deps, context: RequestContext, challengeId: string, code: string) {
  const { account, factor, now } = await answerChallenge(deps, context, challengeId, code, {
    purpose: 'sign_in',
  })
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
      details: { factor, sessionId: session.id },
    },
  )
  return tokenPair(deps, { accountId: account.id, sessionId: session.id, amr, authTime: now }, refreshToken)
}

/** An access token for a session: who, which session, how and when; no roles or rights (read per request). */
export async function accessTokenFor(
  deps: Deps,
  session: { accountId: string; sessionId: string; amr: string[]; authTime: Date },
) {
  return deps.tokens.issue({
    typ: 'person',
    sub: session.accountId,
    sid: session.sessionId,
    amr: session.amr,
    auth_time: Math.floor(session.authTime.getTime() / 1000),
  })
}

/** Access token and refresh token, as the API answers them. */
async function tokenPair(
  deps: Deps,
  session: { accountId: string; sessionId: string; amr: string[]; authTime: Date },
  refreshToken: string,
) {
  const { token, expiresIn } = await accessTokenFor(deps, session)
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
    throw unauthorized('invalid_grant', 'This refresh token is not valid.')
  }
  const account = await accountById(deps.db, rotation.session.account_id)
  if (account?.status !== 'active') {
    await revokeSession(deps, rotation.session.id, `account_${account?.status}`)
    throw unauthorized('invalid_grant', 'This refresh token is not valid.')
  }
  const { session } = rotation
  return tokenPair(
    deps,
    { accountId: session.account_id, sessionId: session.id, amr: session.amr, authTime: session.auth_time },
    rotation.refreshToken,
  )
}
