import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Deps, RequestContext } from '../deps.ts'
import { receivePscResponse } from '../psc/authorizations.ts'
import type { PscResponse } from '../psc/relying-party.ts'
import { conflict, notFound, unprocessable } from '../shared/errors.ts'
import { linkedElsewhere, linkPscIdentity } from './psc-accounts.ts'
import { accountById } from './repository.ts'

/** Whether the account is linked to Pro Santé Connect, and since when. */
export async function pscLinkOf(deps: Deps, accountId: string) {
  const account = await deps.db
    .selectFrom('accounts')
    .select(['psc_linked_at'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return { linked: account.psc_linked_at !== null, linkedAt: account.psc_linked_at?.toISOString() ?? null }
}

/**
 * Links the signed-in account to the identity PSC answered for the authorization it asked for. Refused
 * when the identity's RPPS is not the account's, or the identity is linked to another account.
 */
export async function linkPscToAccount(
  deps: Deps,
  context: RequestContext,
  actor: AuditActor & { id: string },
  response: PscResponse,
) {
  const { identity, spend } = await receivePscResponse(
    deps,
    context,
    { purpose: 'link', accountId: actor.id },
    response,
  )
  await deps.db.transaction().execute(async (trx) => {
    await spend(trx)
    const account = await accountById(trx, actor.id)
    if (!account) throw notFound('not_found', 'No such account.')
    if (account.psc_national_id === identity.nationalId) return
    if (!account.rpps || account.rpps !== identity.rpps) {
      throw unprocessable(
        'psc_rpps_mismatch',
        'This Pro Santé Connect identity is not this account’s: its RPPS number differs.',
      )
    }
    if (account.psc_national_id !== null) throw linkedElsewhere()
    await linkPscIdentity(trx, deps.clock, actor, account.id, identity, 'me')
  })
  return pscLinkOf(deps, actor.id)
}

/**
 * Unlinks Pro Santé Connect. Only from an account with a password: otherwise nobody could sign in to
 * it any more. The identity verification it brought stays on record.
 */
export async function unlinkPsc(deps: Deps, actor: AuditActor & { id: string }) {
  await deps.db.transaction().execute(async (trx) => {
    const account = await accountById(trx, actor.id)
    if (!account?.psc_national_id)
      throw notFound('psc_not_linked', 'This account is not linked to Pro Santé Connect.')
    if (!account.password_hash) {
      throw conflict(
        'password_required',
        'Set a password before unlinking Pro Santé Connect: without either, nobody could sign in to this account.',
      )
    }
    const unlinked = await trx
      .updateTable('accounts')
      .set({
        psc_national_id: null,
        psc_linked_at: null,
        psc_unlinked_at: deps.clock.now(),
        updated_at: deps.clock.now(),
      })
      .where('id', '=', account.id)
      .where('psc_national_id', '=', account.psc_national_id)
      .returning('id')
      .executeTakeFirst()
    // Unlinked at the same moment by another request, which audited it.
    if (!unlinked) return
    await recordAudit(trx, deps.clock, actor, {
      action: 'account.psc_unlinked',
      subjectType: 'account',
      subjectId: account.id,
    })
  })
}
