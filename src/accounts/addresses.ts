import { type AuditActor, recordAudit } from '../audit/audit.ts'
import { revokeAllSessions } from '../auth/sessions.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { conflict, notFound } from '../shared/errors.ts'
import { checkApplications, linkApplications } from './applications.ts'
import { consumeProof } from './email-proofs.ts'
import { addressKey, notificationTarget } from './repository.ts'

type Flag = 'is_login' | 'is_notification'

/** The account's addresses, oldest first, each with the applications that know the person by it. */
export async function listAddresses(db: Executor, accountId: string) {
  const [emails, identities] = await Promise.all([
    db
      .selectFrom('account_emails')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('application_identities')
      .select(['application_id', 'email_id'])
      .where('account_id', '=', accountId)
      .orderBy('application_id')
      .execute(),
  ])
  return emails.map((email) => ({
    id: email.id,
    address: email.address,
    isLogin: email.is_login,
    isNotification: email.is_notification,
    applications: identities
      .filter((identity) => identity.email_id === email.id)
      .map((identity) => identity.application_id),
  }))
}

async function addressView(db: Executor, accountId: string, emailId: string) {
  const view = (await listAddresses(db, accountId)).find((email) => email.id === emailId)
  if (!view) throw notFound('not_found', 'No such address on this account.')
  return view
}

/** Serialises the changes of one account's addresses or places: concurrent ones wait for each other. */
export const lockAccount = (trx: Executor, accountId: string) =>
  trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().executeTakeFirstOrThrow()

/** Moves a flag (one per account) to this address: the holder loses it first, for the partial unique index. */
async function moveFlag(trx: Executor, accountId: string, emailId: string, flag: Flag) {
  await trx
    .updateTable('account_emails')
    .set({ [flag]: false })
    .where('account_id', '=', accountId)
    .where(flag, '=', true)
    .where('id', '<>', emailId)
    .execute()
  await trx
    .updateTable('account_emails')
    .set({ [flag]: true })
    .where('id', '=', emailId)
    .execute()
}

/**
 * Adds an address proven by code (purpose add_email). The account's notification address, as it was
 * before, is told, so that an address added by someone else does not go unnoticed.
 */
export async function addAddress(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  input: { proof: string; notification?: boolean | undefined; applications?: string[] | undefined },
) {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await lockAccount(trx, accountId)
      const address = await consumeProof(deps, trx, input.proof, 'add_email')
      await checkApplications(trx, input.applications ?? [])
      const target = await notificationTarget(trx, accountId)
      const now = deps.clock.now()
      const email = await trx
        .insertInto('account_emails')
        .values({
          account_id: accountId,
          address,
          address_key: addressKey(address),
          is_login: false,
          is_notification: false,
          verified_at: now,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (input.notification) await moveFlag(trx, accountId, email.id, 'is_notification')
      if (input.applications) await linkApplications(trx, accountId, email.id, input.applications)
      await deps.outbox.enqueue(trx, {
        to: target.address,
        template: 'account.email_added',
        locale: target.locale,
        data: { firstName: target.first_name, address },
      })
      await recordAudit(trx, deps.clock, actor, {
        action: 'account.email_added',
        subjectType: 'account_email',
        subjectId: email.id,
        details: { notification: input.notification === true, applications: input.applications ?? [] },
      })
      return addressView(trx, accountId, email.id)
    })
  } catch (error) {
    if (isUniqueViolation(error, 'account_emails_address'))
      throw conflict('email_taken', 'This address is already used by an account.')
    throw error
  }
}

/** The signed-in person changing their addresses: their account, and the session they act in. */
export interface Owner {
  sub: string
  sid: string
}

/**
 * The login address moved: the former one is told (someone holding a stolen token is not the owner), and
 * every other session ends.
 */
async function loginMoved(deps: Deps, trx: Executor, owner: Owner, former: string, current: string) {
  const target = await notificationTarget(trx, owner.sub)
  await deps.outbox.enqueue(trx, {
    to: former,
    template: 'account.login_changed',
    locale: target.locale,
    data: { firstName: target.first_name, address: current },
  })
  await revokeAllSessions({ db: trx, clock: deps.clock }, owner.sub, 'login_changed', owner.sid)
}

const loginAddressOf = (trx: Executor, accountId: string) =>
  trx
    .selectFrom('account_emails')
    .select('address')
    .where('account_id', '=', accountId)
    .where('is_login', '=', true)
    .executeTakeFirstOrThrow()

/** Makes an address the login or notification one, and sets the applications that know the person by it. */
export async function updateAddress(
  deps: Deps,
  actor: AuditActor,
  owner: Owner,
  emailId: string,
  input: { notification?: true | undefined; login?: true | undefined; applications?: string[] | undefined },
) {
  const accountId = owner.sub
  return deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId)
    const email = await trx
      .selectFrom('account_emails')
      .select(['id', 'address', 'is_login'])
      .where('id', '=', emailId)
      .where('account_id', '=', accountId)
      .executeTakeFirst()
    if (!email) throw notFound('not_found', 'No such address on this account.')
    if (input.applications) await checkApplications(trx, input.applications)
    if (input.notification) await moveFlag(trx, accountId, email.id, 'is_notification')
    if (input.login && !email.is_login) {
      const former = await loginAddressOf(trx, accountId)
      await moveFlag(trx, accountId, email.id, 'is_login')
      await loginMoved(deps, trx, owner, former.address, email.address)
    }
    if (input.applications) await linkApplications(trx, accountId, email.id, input.applications)
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.email_updated',
      subjectType: 'account_email',
      subjectId: email.id,
      details: {
        notification: input.notification === true,
        login: input.login === true,
        ...(input.applications && { applications: input.applications }),
      },
    })
    return addressView(trx, accountId, email.id)
  })
}

/**
 * Removes an address, never the last one. Its login or notification flag moves to the oldest address
 * left; the applications it identified the person in are left without a chosen address.
 */
export async function removeAddress(deps: Deps, actor: AuditActor, owner: Owner, emailId: string) {
  const accountId = owner.sub
  await deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId)
    const emails = await trx
      .selectFrom('account_emails')
      .select(['id', 'address', 'is_login', 'is_notification'])
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    const email = emails.find((candidate) => candidate.id === emailId)
    if (!email) throw notFound('not_found', 'No such address on this account.')
    const heir = emails.find((candidate) => candidate.id !== emailId)
    if (!heir) throw conflict('last_address', 'The last address of an account cannot be removed.')
    await trx.deleteFrom('account_emails').where('id', '=', email.id).execute()
    if (email.is_login) await moveFlag(trx, accountId, heir.id, 'is_login')
    if (email.is_notification) await moveFlag(trx, accountId, heir.id, 'is_notification')
    if (email.is_login) await loginMoved(deps, trx, owner, email.address, heir.address)
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.email_removed',
      subjectType: 'account_email',
      subjectId: email.id,
      details: {
        address: email.address,
        ...((email.is_login || email.is_notification) && { flagsMovedTo: heir.id }),
        wasLogin: email.is_login,
        wasNotification: email.is_notification,
      },
    })
  })
}
