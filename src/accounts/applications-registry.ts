import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'

export interface ApplicationSettingsInput {
  name: string
  url: string
  description?: string | null | undefined
  active: boolean
}

/**
 * Creates or replaces a portal application (a tile). An inactive one disappears from people's portals;
 * the addresses they linked to it are kept for when it comes back.
 */
export async function saveApplication(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: AuditActor,
  id: string,
  input: ApplicationSettingsInput,
) {
  const now = deps.clock.now()
  const settings = {
    name: input.name,
    url: input.url,
    description: input.description ?? null,
    active: input.active,
  }
  const row = await deps.db.transaction().execute(async (trx) => {
    const saved = await trx
      .insertInto('applications')
      .values({ id, ...settings, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...settings, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, deps.clock, actor, {
      action: 'application.saved',
      subjectType: 'application',
      subjectId: id,
      details: settings,
    })
    return saved
  })
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    description: row.description,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
