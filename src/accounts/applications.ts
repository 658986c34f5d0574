import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { notFound, unprocessable } from '../shared/errors.ts'
import { accountById } from './repository.ts'

/** The portal's applications open to a person (none until the account is active), with the address each knows them by. */
export async function listApplications(db: Executor, accountId: string) {
  const account = await accountById(db, accountId)
  if (account?.status !== 'active') return { items: [] }
  const rows = await db
    .selectFrom('applications as a')
    .leftJoin('application_identities as i', (join) =>
      join.onRef('i.application_id', '=', 'a.id').on('i.account_id', '=', accountId),
    )
    .select(['a.id', 'a.name', 'a.url', 'a.description', 'i.email_id'])
    .where('a.active', '=', true)
    .orderBy('a.name')
    .orderBy('a.id')
    .execute()
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name,
      url: row.url,
      description: row.description,
      emailId: row.email_id,
    })),
  }
}

/** Refuses (422) application ids that name no active application; `field` names the list in the body. */
export async function checkApplications(db: Executor, ids: readonly string[], field = 'applications') {
  if (ids.length === 0) return
  const known = new Set(
    (
      await db
        .selectFrom('applications')
        .select('id')
        .where('id', 'in', [...ids])
        .where('active', '=', true)
        .execute()
    ).map((row) => row.id),
  )
  const problems = ids.flatMap((id, index) =>
    known.has(id) ? [] : [{ in: 'body', field: `${field}.${index}`, message: 'is not a known application' }],
  )
  if (problems.length > 0) throw unprocessable('unknown_application', 'No such application.', problems)
}

/**
 * Makes this address the one that identifies the person in exactly these applications: each is
 * unlinked from any other address of the account, and active applications no longer listed are
 * unlinked (links to inactive ones are kept for when they come back).
 */
export async function linkApplications(
  trx: Executor,
  accountId: string,
  emailId: string,
  applicationIds: readonly string[],
) {
  let unlinked = trx
    .deleteFrom('application_identities')
    .where('account_id', '=', accountId)
    .where('email_id', '=', emailId)
    .where('application_id', 'in', (eb) =>
      eb.selectFrom('applications').select('id').where('active', '=', true),
    )
  if (applicationIds.length > 0) unlinked = unlinked.where('application_id', 'not in', [...applicationIds])
  await unlinked.execute()
  for (const applicationId of new Set(applicationIds)) await identify(trx, accountId, applicationId, emailId)
}

const identify = (trx: Executor, accountId: string, applicationId: string, emailId: string) =>
  trx
    .insertInto('application_identities')
    .values({ account_id: accountId, application_id: applicationId, email_id: emailId })
    .onConflict((oc) => oc.columns(['account_id', 'application_id']).doUpdateSet({ email_id: emailId }))
    .execute()

/** Which of the person's addresses identifies them in an application. */
export async function setApplicationIdentity(
  deps: Deps,
  actor: AuditActor,
  accountId: string,
  input: { applicationId: string; emailId: string },
) {
  return deps.db.transaction().execute(async (trx) => {
    const application = await trx
      .selectFrom('applications')
      .select('id')
      .where('id', '=', input.applicationId)
      .where('active', '=', true)
      .executeTakeFirst()
    if (!application) throw notFound('not_found', 'No such application.')
    const email = await trx
      .selectFrom('account_emails')
      .select('id')
      .where('id', '=', input.emailId)
      .where('account_id', '=', accountId)
      .executeTakeFirst()
    if (!email) throw notFound('not_found', 'No such address on this account.')
    await identify(trx, accountId, application.id, email.id)
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.application_identity_set',
      subjectType: 'account',
      subjectId: accountId,
      details: { applicationId: application.id, emailId: email.id },
    })
    return { applicationId: application.id, emailId: email.id }
  })
}
