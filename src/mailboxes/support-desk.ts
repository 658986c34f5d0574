import type { Updateable } from 'kysely'
import { notificationTarget } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor, MailboxesTable, MailboxStatus } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, notFound, unprocessable } from '../shared/errors.ts'
import {
  type AddressSource,
  addressProblem,
  candidateAddresses,
  domainFor,
  operatorDomains,
} from './address.ts'
import type { BoxTemplate } from './emails.ts'
import { managerIds } from './member-repository.ts'
import {
  lockMailbox,
  type MailboxRow,
  mailboxById,
  moveMailbox,
  reserveAddress,
  reservedAmong,
} from './repository.ts'
import { statusChangeView } from './views.ts'

/** The support desk's decisions on a mailbox's lifecycle: validate (or reject), activate, suspend, lift, close. */

/** Emails every manager of the box, each at their notification address and in their language. */
export async function emailManagers(
  deps: Deps,
  trx: Executor,
  mailbox: MailboxRow,
  template: BoxTemplate,
  data: { reason?: string | undefined } = {},
) {
  for (const managerId of await managerIds(trx, mailbox.id)) {
    const target = await notificationTarget(trx, managerId)
    await deps.outbox.enqueue(trx, {
      to: target.address,
      locale: target.locale,
      template,
      data: { firstName: target.first_name, name: mailbox.name, address: mailbox.mssante_address, ...data },
    })
  }
}

/**
 * Moves a box out of `from` in one conditional update: of two agents deciding at once, one changes
 * it; the other gets 409 naming the status it found.
 */
async function transition(
  trx: Executor,
  id: string,
  from: readonly MailboxStatus[],
  set: Updateable<MailboxesTable>,
) {
  const moved = await moveMailbox(trx, id, from, set)
  if (moved) return moved
  const mailbox = await mailboxById(trx, id)
  if (!mailbox) throw notFound('not_found', 'No such mailbox.')
  throw conflict(
    'invalid_status',
    `The mailbox is ${mailbox.status}; this needs one that is ${from.join(' or ')}.`,
  )
}

const sourceOf = (mailbox: MailboxRow): AddressSource =>
  mailbox.kind === 'ORG'
    ? { kind: 'ORG', name: mailbox.name, postalCode: mailbox.postal_code ?? '', city: mailbox.city ?? '' }
    : {
        kind: mailbox.kind,
        firstName: mailbox.responsible_first_name,
        lastName: mailbox.responsible_last_name,
      }

/** Reserves the box's address for good: the one support typed, else the first derived one never used. */
async function reserveMssanteAddress(deps: Deps, trx: Executor, mailbox: MailboxRow, typed?: string) {
  const now = deps.clock.now()
  if (typed !== undefined) {
    const problem = addressProblem(typed, operatorDomains(deps.config))
    if (problem)
      throw unprocessable('invalid_mssante_address', 'This MSSanté address cannot be given.', [
        { in: 'body', field: 'mssanteAddress', message: problem },
      ])
    if (!(await reserveAddress(trx, typed, mailbox.id, now)))
      throw conflict(
        'mssante_address_taken',
        'This MSSanté address was already given once: addresses are never reused.',
      )
    return typed
  }
  const source = sourceOf(mailbox)
  const domain = domainFor(mailbox.responsible_profession, deps.config)
  // Candidates twenty at a time: one look-up, then a reservation that a concurrent one may beat.
  for (let from = 1; ; from += 20) {
    const candidates = candidateAddresses(source, domain, from, 20)
    const taken = await reservedAmong(trx, candidates)
    for (const candidate of candidates)
      if (!taken.has(candidate) && (await reserveAddress(trx, candidate, mailbox.id, now))) return candidate
  }
}

/**
 * Validates a box waiting for it, deriving and reserving its MSSanté address (or the one typed), and
 * tells the managers the address is being set up; or rejects it with a reason, which they are mailed.
 */
export async function decideMailboxValidation(
  deps: Deps,
  actor: AuditActor,
  mailboxId: string,
  input: {
    decision: 'validate' | 'reject'
    reason?: string | undefined
    mssanteAddress?: string | undefined
  },
) {
  const validate = input.decision === 'validate'
  if (!validate && !input.reason)
    throw badRequest('reason_required', 'A rejection needs a reason: it is mailed to the managers.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  if (!validate && input.mssanteAddress !== undefined)
    throw badRequest('invalid_decision', 'A rejected mailbox gets no address.', [
      { in: 'body', field: 'mssanteAddress', message: 'is only for a validation' },
    ])
  return deps.db.transaction().execute(async (trx) => {
    const current = await lockMailbox(trx, mailboxId)
    if (!current) throw notFound('not_found', 'No such mailbox.')
    if (current.status !== 'pending_validation')
      throw conflict(
        'invalid_status',
        `The mailbox is ${current.status}; this needs one that is pending_validation.`,
      )
    const now = deps.clock.now()
    const set: Updateable<MailboxesTable> = validate
      ? {
          status: 'validated',
          status_reason: input.reason ?? null,
          mssante_address: await reserveMssanteAddress(deps, trx, current, input.mssanteAddress),
          validated_at: now,
          validated_by: actor.id,
          updated_at: now,
        }
      : { status: 'rejected', status_reason: input.reason ?? null, updated_at: now }
    const mailbox = await transition(trx, mailboxId, ['pending_validation'], set)
    await emailManagers(deps, trx, mailbox, validate ? 'mailbox.validated' : 'mailbox.rejected', {
      reason: validate ? undefined : input.reason,
    })
    await recordAudit(trx, deps.clock, actor, {
      action: validate ? 'mailbox.validated' : 'mailbox.rejected',
      subjectType: 'mailbox',
      subjectId: mailboxId,
      reason: input.reason ?? null,
      details: { mssanteAddress: mailbox.mssante_address, typed: input.mssanteAddress !== undefined },
    })
    return statusChangeView(mailbox)
  })
}

type Move = { from: readonly MailboxStatus[]; to: MailboxStatus; action: string; template: BoxTemplate }

const MOVES = {
  activate: { from: ['validated'], to: 'active', action: 'mailbox.activated', template: 'mailbox.activated' },
  suspend: { from: ['active'], to: 'suspended', action: 'mailbox.suspended', template: 'mailbox.suspended' },
  lift: {
    from: ['suspended'],
    to: 'active',
    action: 'mailbox.suspension_lifted',
    template: 'mailbox.reopened',
  },
  close: {
    from: ['pending_validation', 'validated', 'active', 'suspended'],
    to: 'closed',
    action: 'mailbox.closed',
    template: 'mailbox.closed',
  },
} as const satisfies Record<string, Move>

/**
 * Activation (the box exists on the mail platform: the managers are mailed its address, and it is in
 * the directory if listed), suspension (with a reason) and its lifting, closing. A box that is not
 * active stops every mailbox token at once.
 */
export async function moveMailboxBySupport(
  deps: Deps,
  actor: AuditActor,
  mailboxId: string,
  move: keyof typeof MOVES,
  reason?: string | undefined,
) {
  const { from, to, action, template } = MOVES[move] as Move
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const mailbox = await transition(trx, mailboxId, from, {
      status: to,
      status_reason: reason ?? null,
      updated_at: now,
      ...(move === 'activate' && { activated_at: now }),
      ...(move === 'close' && { closed_at: now }),
    })
    await emailManagers(deps, trx, mailbox, template, { reason })
    await recordAudit(trx, deps.clock, actor, {
      action,
      subjectType: 'mailbox',
      subjectId: mailboxId,
      reason: reason ?? null,
      details: { to },
    })
    return statusChangeView(mailbox)
  })
}
