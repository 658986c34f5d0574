import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { randomToken } from '../auth/secrets.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { badRequest, unauthorized } from '../shared/errors.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import { assertPassword, setPassword } from './password-setting.ts'
import { accountByLoginAddress, addressKey, notificationTarget } from './repository.ts'

const RESET_MINUTES = 30
const PROVISIONAL_DAYS = 7
const anonymous = (context: RequestContext): AuditActor => ({
  type: 'anonymous',
  id: null,
  requestId: context.requestId,
})

/**
 * Always the same answer, after the same work: an active account gets a single-use reset link, valid 30
 * minutes, and every link sent before stops working. Known or not, the request costs one statement,
 * with a token drawn and sealed either way, so that its timing does not tell the addresses apart.
 */
export async function requestPasswordReset(
  deps: Deps,
  context: RequestContext,
  email: string,
): Promise<void> {
  const key = addressKey(email)
  await Promise.all([
    throttle(deps, `reset:ip:${context.client}`, LIMITS.resetPerIp),
    throttle(deps, `reset:email:${key}`, LIMITS.resetPerEmail),
  ])
  const token = randomToken()
  const now = deps.clock.now()
  const link = `${deps.config.PORTAL_URL.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`
  const mail = deps.outbox.row({ to: '', template: 'account.password_reset', secrets: { link } })
  await sql`
    with candidate as (
      select a.id, a.status, a.locale, a.first_name, e.address
      from (select 1) as one
      left join (account_emails e join accounts a on a.id = e.account_id)
        on e.address_key = ${key} and e.is_login
    ),
    account as (select * from candidate where status = 'active'),
    spent as (
      update account_secrets set used_at = ${now}
      where kind = 'password_reset' and used_at is null and account_id in (select id from account)
    ),
    secret as (
      insert into account_secrets (account_id, kind, secret_hash, expires_at, created_at)
      select id, 'password_reset', ${deps.secrets.hash('reset', token)},
        ${new Date(now.getTime() + RESET_MINUTES * 60_000)}, ${now} from account
    ),
    mail as (
      insert into outbox (template, locale, recipient, payload, sealed, next_attempt_at, created_at)
      select ${mail.template}, locale, address, json_build_object('firstName', first_name), ${mail.sealed},
        ${now}, ${now} from account
    )
    insert into audit_events
      (occurred_at, actor_type, actor_id, action, subject_type, subject_id, reason, request_id, details)
    select ${now}, 'anonymous', null,
      case when status = 'active' then 'auth.reset_requested' else 'auth.reset_refused' end,
      'account', id,
      case when id is null then 'unknown_email' when status <> 'active' then 'account_' || status end,
      ${context.requestId}, '{}'::jsonb
    from candidate`.execute(deps.db)
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
    throttle(deps, `activation:${addressKey(input.email)}:ip:${context.client}`, LIMITS.activationPerClient),
    throttle(deps, `code:ip:${context.client}`, LIMITS.codeChecksPerIp),
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
        // No cap over every client address: the code's 50 bits cannot be guessed, and a cap would let
        // strangers burn the owner's code. Each client address is throttled (5 an hour).
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
    throw unauthorized('invalid_credentials', 'Wrong email or provisional code.')
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
      throw unauthorized('invalid_credentials', 'Wrong email or provisional code.')
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

const spendSecret = (trx: Executor, id: string, now: Date) =>
  trx
    .updateTable('account_secrets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
