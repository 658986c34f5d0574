import { recordAudit } from '../audit/audit.ts'
import { randomCode, randomToken } from '../auth/secrets.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { unprocessable } from '../shared/errors.ts'
import { LIMITS, throttle } from '../throttle/policies.ts'
import { addressInUse, addressKey } from './repository.ts'

const CODE_MINUTES = 10
const PROOF_MINUTES = 30
// Tries per client address are throttled (5); this caps them over every address.
const MAX_ATTEMPTS = 20
export type ProofPurpose = 'registration' | 'add_email' | 'mailbox_contact'

const anonymous = (context: RequestContext) => ({
  type: 'anonymous' as const,
  id: null,
  requestId: context.requestId,
})

/**
 * Mails a 6-digit code to prove an address. The answer is the same whether or not the address is
 * known: for a registration with an address already in use, the mail says so and carries no code. A
 * mailbox's generic address (`mailbox_contact`) may also be someone's own: it always gets a code.
 */
export async function issueEmailProof(
  deps: Deps,
  context: RequestContext,
  email: string,
  purpose: ProofPurpose,
) {
  const key = addressKey(email)
  await Promise.all([
    throttle(deps, `proof:ip:${context.client}`, LIMITS.proofPerIp),
    throttle(deps, `proof:email:${key}`, LIMITS.proofPerEmail),
  ])
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + CODE_MINUTES * 60_000)
  return deps.db.transaction().execute(async (trx) => {
    const taken = purpose !== 'mailbox_contact' && (await addressInUse(trx, email))
    const code = taken ? undefined : randomCode()
    const proof = await trx
      .insertInto('email_proofs')
      .values({
        address: email.trim(),
        address_key: key,
        purpose,
        code_hash: null,
        expires_at: expiresAt,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (code) {
      await trx
        .updateTable('email_proofs')
        .set({ code_hash: deps.secrets.hash('proof', `${proof.id}:${code}`) })
        .where('id', '=', proof.id)
        .execute()
    }
    const mail = { to: email.trim(), data: { purpose } }
    await deps.outbox.enqueue(
      trx,
      code
        ? { ...mail, template: 'account.email_proof', secrets: { code } }
        : { ...mail, template: 'account.email_proof_existing' },
    )
    await recordAudit(trx, deps.clock, anonymous(context), {
      action: 'email_proof.requested',
      subjectType: 'email_proof',
      subjectId: proof.id,
      details: { purpose, addressInUse: taken },
    })
    return { id: proof.id, expiresAt: expiresAt.toISOString() }
  })
}

/**
 * Checks a code: single use, 10 minutes, 5 tries from one client address (20 in all, so that someone
 * else's guesses do not burn it). Each try is counted in one atomic update, so concurrent tries cannot
 * exceed the limit, and only one correct answer gets the proof.
 */
export async function confirmEmailProof(deps: Deps, context: RequestContext, id: string, code: string) {
  await Promise.all([
    throttle(deps, `code:ip:${context.client}`, LIMITS.codeChecksPerIp),
    throttle(deps, `proof:${id}:ip:${context.client}`, LIMITS.proofChecksPerClient),
  ])
  const now = deps.clock.now()
  const attempt = await deps.db
    .updateTable('email_proofs')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('expires_at', '>', now)
    .where('attempts', '<', MAX_ATTEMPTS)
    .returning(['code_hash', 'address'])
    .executeTakeFirst()
  const proof = randomToken()
  const confirmed =
    attempt &&
    deps.secrets.matches('proof', `${id}:${code}`, attempt.code_hash) &&
    (await deps.db
      .updateTable('email_proofs')
      .set({
        confirmed_at: now,
        proof_hash: deps.secrets.hash('proof-token', proof),
        proof_expires_at: new Date(now.getTime() + PROOF_MINUTES * 60_000),
      })
      .where('id', '=', id)
      .where('confirmed_at', 'is', null)
      .returning('id')
      .executeTakeFirst())
  await recordAudit(deps.db, deps.clock, anonymous(context), {
    action: confirmed ? 'email_proof.confirmed' : 'email_proof.code_failed',
    subjectType: 'email_proof',
    subjectId: /^[0-9a-f-]{36}$/.test(id) ? id : null,
  })
  if (!confirmed || !attempt) {
    throw unprocessable('invalid_code', 'This code is wrong, expired or already used. Ask for a new one.')
  }
  return { proof, email: attempt.address }
}

/** The address a proof stands for, without spending it. */
export async function peekProof(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  proof: string,
  purpose: ProofPurpose,
) {
  const row = await deps.db
    .selectFrom('email_proofs')
    .select('address')
    .where('proof_hash', '=', deps.secrets.hash('proof-token', proof))
    .where('purpose', '=', purpose)
    .where('proof_used_at', 'is', null)
    .where('proof_expires_at', '>', deps.clock.now())
    .executeTakeFirst()
  if (!row) throw invalidProof()
  return row.address
}

const invalidProof = () =>
  unprocessable('invalid_proof', 'This email proof is not valid (expired, used, or for another purpose).')

/** Spends a proof (once) inside the caller's transaction; returns the proven address. */
export async function consumeProof(
  deps: Pick<Deps, 'clock' | 'secrets'>,
  trx: Executor,
  proof: string,
  purpose: ProofPurpose,
) {
  const now = deps.clock.now()
  const row = await trx
    .updateTable('email_proofs')
    .set({ proof_used_at: now })
    .where('proof_hash', '=', deps.secrets.hash('proof-token', proof))
    .where('purpose', '=', purpose)
    .where('proof_used_at', 'is', null)
    .where('proof_expires_at', '>', now)
    .returning('address')
    .executeTakeFirst()
  if (!row) throw invalidProof()
  return row.address
}
