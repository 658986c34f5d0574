import { accountById } from '../accounts/repository.ts'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { notFound, unprocessable } from '../shared/errors.ts'
import { structuresByIds } from '../structures/repository.ts'

export interface MandateInput {
  structureId: string
  mandate: 'account_manager'
}

export const mandatesOf = (db: Executor, accountId: string) =>
  db
    .selectFrom('mandates')
    .select(['structure_id', 'mandate'])
    .where('account_id', '=', accountId)
    .orderBy('structure_id')
    .execute()

/** Support replaces an account's mandates with this set. */
export async function replaceMandates(
  deps: Deps,
  audit: AuditActor,
  accountId: string,
  mandates: MandateInput[],
) {
  return deps.db.transaction().execute(async (trx) => {
    const account = await accountById(trx, accountId)
    if (!account) throw notFound('not_found', 'No such account.')
    const structures = [...new Set(mandates.map((m) => m.structureId))]
    if (structures.length > 0) {
      const known = await structuresByIds(trx, structures)
      if (known.length !== structures.length)
        throw unprocessable('unknown_structure', 'A mandate names an unknown structure.')
    }
    await trx.deleteFrom('mandates').where('account_id', '=', accountId).execute()
    if (mandates.length > 0) {
      const now = deps.clock.now()
      await trx
        .insertInto('mandates')
        .values(
          mandates.map((m) => ({
            account_id: accountId,
            structure_id: m.structureId,
            mandate: m.mandate,
            granted_at: now,
            granted_by: audit.id,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute()
    }
    await recordAudit(trx, deps.clock, audit, {
      action: 'access.mandates_replaced',
      subjectType: 'account',
      subjectId: accountId,
      details: { mandates },
    })
    return mandatesOf(trx, accountId)
  })
}
