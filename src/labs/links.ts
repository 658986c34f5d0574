import { sql } from 'kysely'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { directoryIdentifiers } from '../directory/fragments.ts'
import { badRequest, conflict, notFound } from '../shared/errors.ts'
import { afterKey, decodeTimeCursor, pageOf } from '../shared/pagination.ts'
import { structureSummaries } from '../structures/fragments.ts'

/**
 * Links between a lab and the structures its correspondent codes name. A lab may attach a code at once
 * to a structure it creates (through its own sync, with a FINESS or SIRET the national directory does
 * not list) or already serves; a code for any other structure waits for the support desk
 * (`pending_link`), who approves or rejects the link. Until approved, the code does not work (look-ups,
 * registrations, approvers) and its lab is told nothing through it.
 */
export type LinkStatus = 'linked' | 'pending_link' | 'rejected'

/**
 * The structures, among these, that the national FINESS directory lists, by their FINESS or their
 * SIRET. A lab's sync that creates such a structure does not own it: the establishment exists apart
 * from the lab, so its code waits for the support desk as for any structure the lab does not serve.
 */
export async function listedInDirectory(trx: Executor, structureIds: string[]) {
  if (structureIds.length === 0) return new Set<string>()
  const { rows } = await sql<{ id: string }>`
    select s.id from ${structureSummaries} s
    where s.id = any(${structureIds}::uuid[])
      and (exists (select 1 from ${directoryIdentifiers} d where d.finess = s.finess)
        or exists (select 1 from ${directoryIdentifiers} d where d.siret = s.siret))`.execute(trx)
  return new Set(rows.map((row) => row.id))
}

const linkView = (row: {
  id: string
  lab_id: string
  lab_name: string
  code: string
  name: string
  active: boolean
  link_status: LinkStatus
  link_requested_at: Date | null
  link_decided_at: Date | null
  link_reason: string | null
  structure_id: string
  structure_name: string
  finess: string | null
  siret: string | null
  postal_code: string | null
  city: string | null
}) => ({
  id: row.id,
  lab: { id: row.lab_id, name: row.lab_name },
  code: row.code,
  name: row.name,
  active: row.active,
  status: row.link_status,
  structure: {
    id: row.structure_id,
    name: row.structure_name,
    finess: row.finess,
    siret: row.siret,
    postalCode: row.postal_code,
    city: row.city,
  },
  requestedAt: row.link_requested_at?.toISOString() ?? null,
  decidedAt: row.link_decided_at?.toISOString() ?? null,
  reason: row.link_reason,
})

const links = (db: Executor) =>
  db
    .selectFrom('correspondent_codes as c')
    .innerJoin('labs as l', 'l.id', 'c.lab_id')
    .innerJoin(structureSummaries.as('s'), 's.id', 'c.structure_id')
    .select([
      'c.id',
      'c.lab_id',
      'l.name as lab_name',
      'c.code',
      'c.name',
      'c.active',
      'c.link_status',
      'c.link_requested_at',
      'c.link_decided_at',
      'c.link_reason',
      'c.structure_id',
      's.name as structure_name',
      's.finess',
      's.siret',
      's.postal_code',
      's.city',
    ])

/** The support desk's queue: codes waiting for their link, oldest request first. */
export async function pendingLinks(db: Executor, options: { cursor?: string | undefined; limit: number }) {
  const after = decodeTimeCursor(options.cursor)
  let query = links(db)
    .where('c.link_status', '=', 'pending_link')
    .orderBy('c.link_requested_at')
    .orderBy('c.id')
    .limit(options.limit + 1)
  if (after) query = query.where(afterKey(['c.link_requested_at', 'c.id'], [after.at, after.id]))
  const page = pageOf(await query.execute(), options.limit, (row) => [
    row.link_requested_at?.toISOString(),
    row.id,
  ])
  return { items: page.items.map(linkView), nextCursor: page.nextCursor }
}

export interface LinkDecision {
  decision: 'approve' | 'reject'
  reason?: string | undefined
}

/**
 * The support desk approves or rejects a code's link, with a reason (required to reject). One
 * conditional UPDATE records it, so of two agents deciding at once exactly one does; the other gets 409.
 */
export async function decideLink(
  deps: { db: Executor; clock: Clock },
  agent: AuditActor & { id: string },
  codeId: string,
  input: LinkDecision,
) {
  const reason = input.reason?.trim() || null
  if (input.decision === 'reject' && !reason) {
    throw badRequest('reason_required', 'A rejection needs a reason.', [
      { in: 'body', field: 'reason', message: 'is required to reject' },
    ])
  }
  return deps.db.transaction().execute(async (trx) => {
    const decided = await trx
      .updateTable('correspondent_codes')
      .set({
        link_status: input.decision === 'approve' ? 'linked' : 'rejected',
        link_decided_by: agent.id,
        link_decided_at: deps.clock.now(),
        link_reason: reason,
      })
      .where('id', '=', codeId)
      .where('link_status', '=', 'pending_link')
      .returning(['id', 'lab_id', 'code', 'structure_id'])
      .executeTakeFirst()
    if (!decided) {
      const known = await trx
        .selectFrom('correspondent_codes')
        .select('link_status')
        .where('id', '=', codeId)
        .executeTakeFirst()
      if (!known) throw notFound('not_found', 'No such correspondent code.')
      throw conflict('already_decided', `This code is not waiting for its link (${known.link_status}).`)
    }
    await recordAudit(trx, deps.clock, agent, {
      action:
        input.decision === 'approve'
          ? 'correspondent_code.link_approved'
          : 'correspondent_code.link_rejected',
      subjectType: 'correspondent_code',
      subjectId: decided.id,
      reason,
      details: { labId: decided.lab_id, code: decided.code, structureId: decided.structure_id },
    })
    return linkView(await links(trx).where('c.id', '=', decided.id).executeTakeFirstOrThrow())
  })
}
