import { recordAudit } from '../audit/audit.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { unauthorized } from '../shared/errors.ts'
import { answerChallenge, issueChallenge } from './challenges.ts'
import { verifyPasswordStep } from './password-step.ts'
import { loginAccountById, loginAccountWithId } from './repository.ts'
import { accessTokenFor } from './sign-in.ts'

export interface SignedIn {
  sub: string
  sid: string
}

/**
 * Step-up, first step: the signed-in person types their password again, with the throttles and failure
 * counts of sign-in; a code is then mailed, or the authenticator app asked.
 */
export async function startStepUp(deps: Deps, context: RequestContext, person: SignedIn, password: string) {
  const account = await loginAccountById(deps.db, person.sub)
  if (!account) throw unauthorized()
  const actor = { type: 'person' as const, id: person.sub, requestId: context.requestId }
  const verified = await verifyPasswordStep(
    deps,
    context,
    { address: account.address, password },
    loginAccountWithId(deps.db, account.id),
    { actor, failedAction: 'auth.step_up_failed' },
  )
  return issueChallenge(deps, actor, verified, { purpose: 'step_up', sessionId: person.sid })
}

/**
 * Step-up, second step: the code, in the same session. The session's authentication time becomes now,
 * and a new access token says so (`auth_time`); refreshed tokens carry it too.
 */
export async function completeStepUp(
  deps: Deps,
  context: RequestContext,
  person: SignedIn,
  challengeId: string,
  code: string,
) {
  const { account, factor, now } = await answerChallenge(deps, context, challengeId, code, {
    purpose: 'step_up',
    sessionId: person.sid,
  })
  const amr = ['pwd', 'otp', 'mfa']
  const session = await deps.db
    .updateTable('sessions')
    .set({ auth_time: now, amr, last_used_at: now })
    .where('id', '=', person.sid)
    .where('account_id', '=', account.id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  if (!session) throw unauthorized('invalid_token', 'This session has ended.')
  await recordAudit(
    deps.db,
    deps.clock,
    { type: 'person', id: account.id, requestId: context.requestId },
    { action: 'auth.stepped_up', subjectType: 'session', subjectId: person.sid, details: { factor } },
  )
  const { token, expiresIn } = await accessTokenFor(deps, {
    accountId: account.id,
    sessionId: person.sid,
    amr,
    authTime: now,
  })
  return { accessToken: token, tokenType: 'Bearer' as const, expiresIn }
}
