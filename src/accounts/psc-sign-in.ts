import { recordAudit } from '../audit/audit.ts'
import { openSession } from '../auth/sessions.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { receivePscResponse } from '../psc/authorizations.ts'
import type { PscResponse } from '../psc/relying-party.ts'
import { type AppError, conflict, unprocessable } from '../shared/errors.ts'
import { invalidCredentials } from './password-step.ts'
import { accountOfPscIdentity, linkPscIdentity } from './psc-accounts.ts'
import { issuePscRegistration } from './psc-registration.ts'
import { accessTokenFor, sessionDeps } from './sign-in.ts'

/**
 * A Pro Santé Connect authentication counts as both factors (a CPS card or the e-CPS app, at `eidas1`):
 * the session opens without an emailed code, and its `amr` says how.
 */
export const PSC_AMR = ['psc', 'mfa']

/**
 * The provider's answer to a sign-in. The person is signed in when an account is linked to their
 * national identifier, or has their RPPS (it is linked then, and audited); otherwise they get a token
 * to register with. An account that may not sign in gets the same problem as at password sign-in.
 */
export async function completePscSignIn(deps: Deps, context: RequestContext, response: PscResponse) {
  const { identity, spend } = await receivePscResponse(deps, context, { purpose: 'sign_in' }, response)
  const anonymous = { type: 'anonymous' as const, id: null, requestId: context.requestId }
  const now = deps.clock.now()
  const outcome = await deps.db.transaction().execute(async (trx) => {
    await spend(trx)
    const account = await accountOfPscIdentity(trx, identity)
    if (!account) {
      if (!identity.rpps) return { refused: rppsRequired() }
      return { registration: await issuePscRegistration(deps, trx, identity) }
    }
    if (account.psc_national_id !== null && account.psc_national_id !== identity.nationalId) {
      return { refused: conflict('psc_identity_conflict', 'This account is linked to another identity.') }
    }
    if (account.psc_national_id === null && account.psc_unlinked_at !== null) {
      return {
        refused: conflict(
          'psc_unlinked',
          'Pro Santé Connect was unlinked from this account: sign in with the password, then link it again.',
        ),
      }
    }
    const person = { type: 'person' as const, id: account.id, requestId: context.requestId }
    if (account.status !== 'active') {
      // As at password sign-in: the true reason goes to the audit trail only.
      await recordAudit(trx, deps.clock, anonymous, {
        action: 'auth.sign_in_failed',
        subjectType: 'account',
        subjectId: account.id,
        reason: `account_${account.status}`,
        details: { factor: 'psc' },
      })
      return { refused: invalidCredentials('This identity may not sign in: no active account.') }
    }
    if (account.psc_national_id === null) {
      await linkPscIdentity(trx, deps.clock, person, account.id, identity, 'sign_in')
    }
    const { session, refreshToken } = await openSession(
      { ...sessionDeps(deps), db: trx },
      { accountId: account.id, amr: PSC_AMR, authTime: now, userAgent: context.userAgent, ip: context.ip },
    )
    await recordAudit(trx, deps.clock, person, {
      action: 'auth.signed_in',
      subjectType: 'account',
      subjectId: account.id,
      details: { factor: 'psc', sessionId: session.id },
    })
    return { signedIn: { accountId: account.id, sessionId: session.id, refreshToken } }
  })
  if ('refused' in outcome) throw outcome.refused as AppError
  if ('registration' in outcome) return { outcome: 'registration' as const, ...outcome.registration }
  const { accountId, sessionId, refreshToken } = outcome.signedIn
  const { token, expiresIn } = await accessTokenFor(deps, {
    accountId,
    sessionId,
    amr: PSC_AMR,
    authTime: now,
  })
  return {
    outcome: 'signed_in' as const,
    accessToken: token,
    refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn,
  }
}

const rppsRequired = () =>
  unprocessable(
    'psc_rpps_required',
    'Sésame registers health professionals by their RPPS number, and this Pro Santé Connect identity has none.',
  )
