import type { Executor } from '../db/schema.ts'
import type { LabEventPayload } from './publish.ts'

/** A lab's events after a cursor, oldest first, as `publish.ts` wrote them; `next` resumes after the last. */
export async function readLabEvents(db: Executor, labId: string, after: number, limit: number) {
  const rows = await db
    .selectFrom('lab_events')
    .select(['id', 'type', 'occurred_at', 'payload'])
    .where('lab_id', '=', labId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute()
  return {
    items: rows.map((row) => ({
      id: row.id,
      type: row.type,
      occurredAt: row.occurred_at.toISOString(),
      // The payload is JSON this module wrote: its shape is LabEventPayload's.
      ...(row.payload as LabEventPayload),
    })),
    next: rows.at(-1)?.id ?? after,
  }
}
