import { randomBytes } from 'node:crypto'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { randomToken } from '../auth/secrets.ts'
import { revokeAllSessions } from '../auth/sessions.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { badRequest, unauthorized } from '../shared/errors.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import { checkPassword } from './password-policy.ts'
import { accountByLoginAddress, addressKey, notificationTarget } from './repository.ts'

const RESET_MINUTES = 30
const PROVISIONAL_DAYS = 7
const MAX_CODE_ATTEMPTS = 5
const anonymous = (context: RequestContext): AuditActor => ({
  type: 'anonymous',
  id: null,
  requestId: context.requestId,
})

/** Always the same answer; an active account gets a single-use reset link, valid 30 minutes. */
export async function requestPasswordReset(
  deps: Deps,
  context: RequestContext,
  email: string,
): Promise<void> {
  await Promise.all([
    throttle(deps, `reset:ip:${context.ip}`, LIMITS.resetPerIp),
    throttle(deps, `reset:email:${addressKey(email)}`, LIMITS.resetPerEmail),
  ])
  const account = await accountByLoginAddress(deps.db, email)
  if (account?.status !== 'active') {
    await recordAudit(deps.db, deps.clock, anonymous(context), {
      action: 'auth.reset_refused',
      subjectType: 'account',
      subjectId: account?.id ?? null,
      reason: account ? `account_${account.status}` : 'unknown_email',
    })
    return
  }
  const token = randomToken()
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('account_secrets')
      .values({
        account_id: account.id,
        kind: 'password_reset',
        secret_hash: deps.secrets.hash('reset', token),
        expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000),
        created_at: now,
      })
      .execute()
    const link = `${deps.config.PORTAL_URL.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`
    await deps.outbox.enqueue(trx, {
      to: account.address,
      template: 'account.password_reset',
      locale: account.locale,
      data: { firstName: account.first_name },
      secrets: { link },
    })
    await recordAudit(trx, deps.clock, anonymous(context), {
      action: 'auth.reset_requested',
      subjectType: 'account',
      subjectId: account.id,
    })
  })
}

/** Sets the new password with a reset token (once); every session of the account ends. */
export async function confirmPasswordReset(
  deps: Deps,
  context: RequestContext,
  input: { token: string; password: string; passwordConfirmation: string },
) {
  const now = deps.clock.now()
  const secret = await deps.db
    .selectFrom('account_secrets as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.id', 's.account_id', 'a.first_name', 'a.last_name', 'a.status'])
    .where('s.kind', '=', 'password_reset')
    .where('s.secret_hash', '=', deps.secrets.hash('reset', input.token))
    .where('s.used_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst()
  if (secret?.status !== 'active')
    throw badRequest(
      'invalid_token',
      'This reset link is not valid: it expired or was used. Ask for a new one.',
    )
  const target = await notificationTarget(deps.db, secret.account_id)
  assertPassword(input, { email: target.address, firstName: secret.first_name, lastName: secret.last_name })
  const hash = await deps.passwords.hash(input.password)
  await deps.db.transaction().execute(async (trx) => {
    const spent = await spendSecret(trx, secret.id, now)
    if (!spent) throw badRequest('invalid_token', 'This reset link was just used.')
    await setPassword(
      deps,
      trx,
      secret.account_id,
      hash,
      { type: 'person', id: secret.account_id, requestId: context.requestId },
      'auth.password_reset',
    )
  })
}

/**
 * First sign-in of an account validated without a password (Biomnis): the provisional access code
 * mailed at validation sets the password. Wrong address or code get the same 401.
 */
export async function activateAccount(
  deps: Deps,
  context: RequestContext,
  input: { email: string; provisionalCode: string; password: string; passwordConfirmation: string },
) {
  await Promise.all([
    throttle(deps, `activation:email:${addressKey(input.email)}`, LIMITS.activationPerEmail),
    throttle(deps, `code:ip:${context.ip}`, LIMITS.codeChecksPerIp),
  ])
  const now = deps.clock.now()
  const account = await accountByLoginAddress(deps.db, input.email)
  const secret = account
    ? await deps.db
        .updateTable('account_secrets')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('account_id', '=', account.id)
        .where('kind', '=', 'provisional_code')
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('attempts', '<', MAX_CODE_ATTEMPTS)
        .returning(['id', 'secret_hash'])
        .executeTakeFirst()
    : undefined
  const code = normalizeProvisionalCode(input.provisionalCode)
  if (
    account?.status !== 'active' ||
    !secret ||
    !deps.secrets.matches('provisional', `${account.id}:${code}`, secret.secret_hash)
  ) {
    await recordAudit(deps.db, deps.clock, anonymous(context), {
      action: 'auth.activation_failed',
      subjectType: 'account',
      subjectId: account?.id ?? null,
    })
    throw unauthorized('Wrong email or provisional code.', 'invalid_credentials')
  }
  const full = await deps.db
    .selectFrom('accounts')
    .select(['first_name', 'last_name'])
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow()
  assertPassword(input, { email: account.address, firstName: full.first_name, lastName: full.last_name })
  const hash = await deps.passwords.hash(input.password)
  await deps.db.transaction().execute(async (trx) => {
    if (!(await spendSecret(trx, secret.id, now)))
      throw unauthorized('Wrong email or provisional code.', 'invalid_credentials')
    await setPassword(
      deps,
      trx,
      account.id,
      hash,
      { type: 'person', id: account.id, requestId: context.requestId },
      'auth.activated',
    )
  })
}

/**
 * A provisional access code for an account (7 days, single use), mailed by the caller inside its own
 * transaction. 10 characters from an unambiguous alphabet, grouped for reading: XXXXX-XXXXX.
 */
export async function issueProvisionalCode(
  deps: Pick<Deps, 'clock' | 'secrets'>,
  trx: Executor,
  accountId: string,
): Promise<string> {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const raw = [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('')
  const code = `${raw.slice(0, 5)}-${raw.slice(5)}`
  const now = deps.clock.now()
  await trx
    .updateTable('account_secrets')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('kind', '=', 'provisional_code')
    .where('used_at', 'is', null)
    .execute()
  await trx
    .insertInto('account_secrets')
    .values({
      account_id: accountId,
      kind: 'provisional_code',
      secret_hash: deps.secrets.hash('provisional', `${accountId}:${normalizeProvisionalCode(code)}`),
      expires_at: new Date(now.getTime() + PROVISIONAL_DAYS * 86_400_000),
      created_at: now,
    })
    .execute()
  return code
}

const normalizeProvisionalCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '')

function assertPassword(
  input: { password: string; passwordConfirmation: string },
  context: { email: string; firstName: string; lastName: string },
) {
  const verdict = checkPassword(input.password, input.passwordConfirmation, context)
  if (!verdict.ok) {
    throw badRequest(
      'weak_password',
      'The password does not meet the policy.',
      verdict.problems.map((problem) => ({
        in: 'body',
        field: problem.code === 'mismatch' ? 'passwordConfirmation' : 'password',
        message: problem.message,
      })),
    )
  }
}

const spendSecret = (trx: Executor, id: string, now: Date) =>
  trx
    .updateTable('account_secrets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst()

async function setPassword(
  deps: Deps,
  trx: Executor,
  accountId: string,
  hash: string,
  actor: AuditActor,
  action: string,
) {
  const now = deps.clock.now()
  await trx
    .updateTable('accounts')
    .set({ password_hash: hash, password_changed_at: now, updated_at: now })
    .where('id', '=', accountId)
    .execute()
  await revokeAllSessions({ db: trx, clock: deps.clock }, accountId, 'password_changed')
  const target = await notificationTarget(trx, accountId)
  await deps.outbox.enqueue(trx, {
    to: target.address,
    template: 'account.password_changed',
    locale: target.locale,
    data: { firstName: target.first_name },
  })
  await recordAudit(trx, deps.clock, actor, { action, subjectType: 'account', subjectId: accountId })
}
