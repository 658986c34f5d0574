import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { type AuditActor, auditRow, recordAudit } from '../audit/audit.ts'
import { randomCode } from '../auth/secrets.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { unauthorized } from '../shared/errors.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import type { VerifiedPassword } from './password-step.ts'
import { accountById } from './repository.ts'
import { verifyTotp } from './totp.ts'

/**
 * The second step of a sign-in, or of a step-up within an open session: a code mailed, or the
 * authenticator app's code; 10 minutes, 5 tries, one correct answer completes it.
 */
const CHALLENGE_MINUTES = 10
const MAX_ATTEMPTS = 5
export const invalidCode = () => unauthorized('invalid_code', 'This code is wrong or expired.')

export interface ChallengedAccount {
  id: string
  address: string
  locale: 'fr' | 'en'
  first_name: string
  totp_confirmed_at: Date | null
}

export type ChallengePurpose = { purpose: 'sign_in' } | { purpose: 'step_up'; sessionId: string }

/**
 * Opens a challenge once the password is verified. The failure counts cleared, the challenge, its audit
 * record and the email of its code are one statement: all or nothing, in one round trip.
 */
export async function issueChallenge(
  deps: Deps,
  actor: AuditActor,
  verified: { account: ChallengedAccount; clearFailures: VerifiedPassword['clearFailures'] },
  kind: ChallengePurpose,
) {
  const { account, clearFailures } = verified
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000)
  const factor: 'email' | 'totp' = account.totp_confirmed_at ? 'totp' : 'email'
  // The code is bound to the challenge's id, so the id is chosen here rather than by the database.
  const challengeId = randomUUID()
  const code = factor === 'email' ? randomCode() : null
  const written = deps.db
    .with('cleared', () => clearFailures)
    .with('challenge', (db) =>
      db.insertInto('login_challenges').values({
        id: challengeId,
        account_id: account.id,
        factor,
        purpose: kind.purpose,
        session_id: kind.purpose === 'step_up' ? kind.sessionId : null,
        code_hash: code ? deps.secrets.hash('login', `${challengeId}:${code}`) : null,
        expires_at: expiresAt,
        created_at: now,
      }),
    )
    .with('audit', (db) =>
      db.insertInto('audit_events').values(
        auditRow(deps.clock, actor, {
          action: kind.purpose === 'sign_in' ? 'auth.password_verified' : 'auth.step_up_started',
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
          template: kind.purpose === 'sign_in' ? 'account.login_code' : 'account.step_up_code',
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

/**
 * Answers a challenge of this purpose (a step-up's, in its own session only). Each try is counted in one
 * atomic update; only one correct answer completes it, however many arrive at once. Answers the
 * account, still active, or throws `invalid_code`.
 */
export async function answerChallenge(
  deps: Deps,
  context: RequestContext,
  challengeId: string,
  code: string,
  kind: ChallengePurpose,
) {
  await throttle(deps, `code:ip:${context.client}`, LIMITS.codeChecksPerIp)
  const now = deps.clock.now()
  const challenge = await deps.db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challengeId)
    .where('purpose', '=', kind.purpose)
    .where(
      'session_id',
      kind.purpose === 'step_up' ? '=' : 'is',
      kind.purpose === 'step_up' ? kind.sessionId : null,
    )
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
  if (!completed || !account || !challenge) {
    await recordAudit(
      deps.db,
      deps.clock,
      { type: 'anonymous', id: null, requestId: context.requestId },
      { action: 'auth.code_failed', subjectType: 'account', subjectId: account?.id ?? null },
    )
    throw invalidCode()
  }
  return { account, factor: challenge.factor, now }
}
