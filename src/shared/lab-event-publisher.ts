import type { Executor, RightName } from '../db/schema.ts'

export type LabEventType =
  | 'account.activated'
  | 'account.suspended'
  | 'account.closed'
  | 'right.granted'
  | 'right.revoked'
  | 'practice_place.added'
  | 'practice_place.removed'
  | 'lab_registration.changed'

/** An event as an area publishes it: what happened to whom, and where. */
export interface LabEventInput {
  type: LabEventType
  accountId: string
  structureId?: string | null
  right?: RightName
  /** Labs to tell besides those found from the current state (e.g. the lab of a place just removed). */
  alsoLabs?: string[]
}

/**
 * Publishes the lab events, in the caller's transaction. The app builds it (`lab-events/publish.ts`,
 * over the fragments of accounts/ and access/ that show the person and their lab numbers) and hands it
 * to the areas as `Deps.labEvents`: so lab-events/ reads those areas' tables without importing them,
 * and accounts/ publishes without reaching access/. No area's: `deps.ts` names it.
 */
export interface LabEventPublisher {
  emit(db: Executor, event: LabEventInput): Promise<void>
  /** An account becomes active: the labs learn it, and each sensitive right that takes effect with it. */
  announceActivation(db: Executor, accountId: string): Promise<void>
}
