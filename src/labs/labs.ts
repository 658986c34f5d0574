import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { notFound, unprocessable } from '../shared/errors.ts'
import { structureSummaryOf } from '../structures/schemas.ts'
import { lookupCorrespondentCode } from './repository.ts'

export interface LabSettingsInput {
  name: string
  requiresCorrespondentCode: boolean
}

/** Support creates or updates a lab, with its audit record in the same transaction. */
export async function saveLab(
  deps: { db: Executor; clock: Clock },
  actor: AuditActor,
  labId: string,
  settings: LabSettingsInput,
) {
  const now = deps.clock.now()
  const lab = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('labs')
      .values({
        id: labId,
        name: settings.name,
        requires_correspondent_code: settings.requiresCorrespondentCode,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          name: settings.name,
          requires_correspondent_code: settings.requiresCorrespondentCode,
          updated_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, deps.clock, actor, {
      action: 'lab.saved',
      subjectType: 'lab',
      subjectId: labId,
      details: { ...settings },
    })
    return row
  })
  return { id: lab.id, name: lab.name, requiresCorrespondentCode: lab.requires_correspondent_code }
}

/** The practice behind an active correspondent code; a code several labs use needs the lab named. */
export async function findCorrespondentCode(db: Executor, code: string, labId: string | undefined) {
  const rows = await lookupCorrespondentCode(db, code, labId)
  const row = rows[0]
  if (!row) throw notFound('unknown_correspondent_code', 'No active correspondent code matches.')
  if (rows.length > 1)
    throw unprocessable('lab_required', 'Several labs use this code: name the lab (labId).')
  return {
    code: row.code,
    lab: { id: row.lab_id, name: row.lab_name },
    center: row.center_id
      ? { id: row.center_id, code: row.center_code ?? '', name: row.center_name ?? '' }
      : null,
    structure: structureSummaryOf(row),
  }
}
