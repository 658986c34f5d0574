import type { FastifyRequest } from 'fastify'
import type { Insertable } from 'kysely'
import type { Clock } from '../clock.ts'
import type { AuditEventsTable, Executor } from '../db/schema.ts'

export interface AuditActor {
  type: 'person' | 'lab' | 'system' | 'anonymous'
  id: string | null
  requestId: string | null
}

export interface AuditEvent {
  action: string
  subjectType: string
  subjectId: string | null
  reason?: string | null
  details?: Record<string, unknown>
}

/** Appends to the audit trail, in the caller's transaction: no change without its record. */
export async function recordAudit(
  db: Executor,
  clock: Clock,
  actor: AuditActor,
  event: AuditEvent,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values(auditRow(clock, actor, event))
    .execute()
}

/** The row of an audit event, for a caller that writes it within a larger statement. */
export function auditRow(clock: Clock, actor: AuditActor, event: AuditEvent): Insertable<AuditEventsTable> {
  return {
    occurred_at: clock.now(),
    actor_type: actor.type,
    actor_id: actor.id,
    action: event.action,
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    reason: event.reason ?? null,
    request_id: actor.requestId,
    details: JSON.stringify(event.details ?? {}),
  }
}

/** Who is acting in this request, for the audit trail. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal
  if (principal?.kind === 'person') return { type: 'person', id: principal.sub, requestId: request.id }
  if (principal?.kind === 'lab') return { type: 'lab', id: principal.clientId, requestId: request.id }
  // Acting for a mailbox, the person is the actor.
  if (principal?.kind === 'mailbox') return { type: 'person', id: principal.actorId, requestId: request.id }
  return { type: 'anonymous', id: null, requestId: request.id }
}
