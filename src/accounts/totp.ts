import { generateSecret, generateURI, verify } from 'otplib'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { AccountsTable } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { conflict, unprocessable } from '../shared/errors.ts'

const PERIOD_SECONDS = 30

/**
 * Checks an authenticator code (RFC 6238, one step of clock drift either way). A code is accepted
 * once: the last accepted time step is kept, and an atomic update refuses it a second time.
 */
export async function verifyTotp(
  deps: Pick<Deps, 'db' | 'clock' | 'box'>,
  account: Pick<AccountsTable, 'totp_secret_sealed'> & { id: string },
  code: string,
  options: { pending?: boolean } = {},
): Promise<boolean> {
  if (!account.totp_secret_sealed || !/^[0-9]{6}$/.test(code)) return false
  const secret = deps.box.open<string>(account.totp_secret_sealed)
  const epoch = Math.floor(deps.clock.now().getTime() / 1000)
  const result = await verify({ secret, token: code, epoch, epochTolerance: PERIOD_SECONDS })
  if (!result.valid) return false
  // The time step the code belongs to: now, shifted by the drift it was found at.
  const step = Math.floor(epoch / PERIOD_SECONDS) + result.delta
  const accepted = await deps.db
    .updateTable('accounts')
    .set({ totp_last_step: step, ...(options.pending && { totp_confirmed_at: deps.clock.now() }) })
    .where('id', '=', account.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .returning('id')
    .executeTakeFirst()
  return accepted !== undefined
}

/** Starts enrolling an authenticator app: a new secret, not used for sign-in until confirmed. */
export async function startTotpEnrollment(deps: Deps, actor: AuditActor, accountId: string, label: string) {
  const account = await deps.db
    .selectFrom('accounts')
    .select('totp_confirmed_at')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  if (account.totp_confirmed_at)
    throw conflict('totp_enabled', 'An authenticator app is already set up: remove it first.')
  const secret = generateSecret()
  await resetTotp(deps, actor, accountId, secret, 'totp.enrollment_started')
  return { otpauthUri: generateURI({ issuer: 'Sésame', label, secret }), secret }
}

export async function confirmTotpEnrollment(deps: Deps, actor: AuditActor, accountId: string, code: string) {
  const account = await deps.db
    .selectFrom('accounts')
    .select(['id', 'totp_secret_sealed', 'totp_confirmed_at'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  if (account.totp_confirmed_at) throw conflict('totp_enabled', 'The authenticator app is already confirmed.')
  if (!account.totp_secret_sealed) throw conflict('totp_not_started', 'Start with POST /v1/me/totp.')
  if (!(await verifyTotp(deps, account, code, { pending: true })))
    throw unprocessable('invalid_code', 'This code is wrong: check the app’s clock and try the next code.')
  await recordAudit(deps.db, deps.clock, actor, {
    action: 'totp.enabled',
    subjectType: 'account',
    subjectId: accountId,
  })
}

export async function removeTotp(deps: Deps, actor: AuditActor, accountId: string) {
  await resetTotp(deps, actor, accountId, null, 'totp.removed')
}

/** Puts a new, unconfirmed secret in place (or none), with its audit record, in one transaction. */
async function resetTotp(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  secret: string | null,
  action: 'totp.enrollment_started' | 'totp.removed',
) {
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set({
        totp_secret_sealed: secret === null ? null : deps.box.seal(secret),
        totp_confirmed_at: null,
        totp_last_step: null,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', accountId)
      .execute()
    await recordAudit(trx, deps.clock, actor, { action, subjectType: 'account', subjectId: accountId })
  })
}
