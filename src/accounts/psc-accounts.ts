import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Clock } from '../clock.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import type { PscIdentity } from '../psc/claims.ts'
import { conflict } from '../shared/errors.ts'

/**
 * The link between an account and a Pro Santé Connect identity. The national identifier is the key,
 * never PSC's technical `sub`; an account is found by its link, else by the RPPS the identifier holds.
 */

export const linkedElsewhere = () =>
  conflict('psc_identity_linked_elsewhere', 'This Pro Santé Connect identity is linked to another account.')

/** The columns of an account whose identity PSC verifies now, as linked to it. */
export const pscLinkColumns = (identity: PscIdentity, now: Date) => ({
  psc_national_id: identity.nationalId,
  psc_linked_at: now,
  psc_unlinked_at: null,
  identity_verified_by: 'psc' as const,
  identity_verified_at: now,
})

/** The account linked to this identity, else the one with its RPPS (to be linked), if any. */
export async function accountOfPscIdentity(db: Executor, identity: PscIdentity) {
  const columns = ['id', 'status', 'rpps', 'psc_national_id', 'psc_unlinked_at'] as const
  const linked = await db
    .selectFrom('accounts')
    .select(columns)
    .where('psc_national_id', '=', identity.nationalId)
    .executeTakeFirst()
  if (linked || !identity.rpps) return linked
  return db.selectFrom('accounts').select(columns).where('rpps', '=', identity.rpps).executeTakeFirst()
}

/**
 * Links the identity to the account and audits it (`via`: how the person came). The identity's RPPS
 * must be the account's; the identifier may be linked to no other account (409).
 */
export async function linkPscIdentity(
  trx: Executor,
  clock: Clock,
  actor: AuditActor,
  accountId: string,
  identity: PscIdentity,
  via: 'sign_in' | 'me',
) {
  try {
    await trx
      .updateTable('accounts')
      .set({ ...pscLinkColumns(identity, clock.now()), updated_at: clock.now() })
      .where('id', '=', accountId)
      .execute()
  } catch (error) {
    if (isUniqueViolation(error)) throw linkedElsewhere()
    throw error
  }
  await recordAudit(trx, clock, actor, {
    action: 'account.psc_linked',
    subjectType: 'account',
    subjectId: accountId,
    details: { via, rpps: identity.rpps },
  })
}
