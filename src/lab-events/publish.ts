import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { AccountsTable, Executor, RightName } from '../db/schema.ts'
import { labCenters, usableCorrespondentCodes } from '../labs/fragments.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { confirmedStructuresOf } from '../memberships/places.ts'
import { rightsHeld } from '../memberships/rights.ts'
import { structureSummaries } from '../structures/fragments.ts'

export type LabEventType =
  | 'account.activated'
  | 'account.suspended'
  | 'account.closed'
  | 'right.granted'
  | 'right.revoked'
  | 'practice_place.added'
  | 'practice_place.removed'
  | 'lab_registration.changed'

/** What each event carries, as written in `lab_events.payload` and read back by the feed. */
export type LabEventPayload = {
  account: {
    id: string
    rpps: string | null
    civility: string
    firstName: string
    lastName: string
    profile: string
    status: string
  }
  structure: {
    id: string
    name: string
    finess: string | null
    siret: string | null
    city: string | null
  } | null
  correspondentCodes: string[]
  labRegistrationNumber: string | null
  right?: RightName
}

export interface LabEventInput {
  type: LabEventType
  accountId: string
  structureId?: string | null
  right?: RightName
  /** Labs to tell besides those found from the current state (e.g. the lab of a place just removed). */
  alsoLabs?: string[]
}

/**
 * The labs an event concerns. An event about one structure goes to the labs tied to that structure (a
 * centre the person works with there, a correspondent code for it that works: active and linked); an
 * account-wide event, to every lab that knows the person.
 */
async function labsConcerned(db: Executor, event: LabEventInput) {
  const structureId = event.structureId ?? null
  const { rows: labs } = structureId
    ? await sql<{ lab_id: string }>`
        select c.lab_id from ${practicePlaces} p join ${labCenters} c on c.id = p.lab_center_id
          where p.account_id = ${event.accountId} and p.structure_id = ${structureId} and p.status = 'confirmed'
        union select lab_id from ${usableCorrespondentCodes} k where k.structure_id = ${structureId}`.execute(
        db,
      )
    : await sql<{ lab_id: string }>`
        select c.lab_id from ${practicePlaces} p join ${labCenters} c on c.id = p.lab_center_id
          where p.account_id = ${event.accountId} and p.status = 'confirmed'
        union select lab_id from lab_registrations where account_id = ${event.accountId}
        union select k.lab_id from ${usableCorrespondentCodes} k join ${practicePlaces} p
          on p.structure_id = k.structure_id
          where p.account_id = ${event.accountId} and p.status = 'confirmed'`.execute(db)
  return [...new Set([...labs.map((row) => row.lab_id), ...(event.alsoLabs ?? [])])]
}

/**
 * The people events are about, as the accounts area shows them: a subquery its fragments give, passed
 * to `labEventPublisher` since lab-events does not import accounts/ (accounts/ publishes too).
 */
export type PeopleSource = RawBuilder<
  Pick<
    Selectable<AccountsTable>,
    'id' | 'rpps' | 'civility' | 'first_name' | 'last_name' | 'profile' | 'status'
  >
>

/** What every lab's copy of the event shares: the person, the structure, codes and numbers by lab. */
async function eventContext(db: Executor, people: PeopleSource, event: LabEventInput) {
  const structureId = event.structureId ?? null
  const account = await db
    .selectFrom(people.as('a'))
    .select(['a.id', 'a.rpps', 'a.civility', 'a.first_name', 'a.last_name', 'a.profile', 'a.status'])
    .where('a.id', '=', event.accountId)
    .executeTakeFirstOrThrow()
  const structure = structureId
    ? await db
        .selectFrom(structureSummaries.as('s'))
        .select(['s.id', 's.name', 's.finess', 's.siret', 's.city'])
        .where('s.id', '=', structureId)
        .executeTakeFirst()
    : undefined
  const structureIds = structureId ? [structureId] : await confirmedStructuresOf(db, event.accountId)
  const [codes, numbers] = await Promise.all([
    structureIds.length === 0
      ? []
      : db
          .selectFrom(usableCorrespondentCodes.as('k'))
          .select(['k.lab_id', 'k.code'])
          .where('k.structure_id', 'in', structureIds)
          .orderBy('k.code')
          .execute(),
    db
      .selectFrom('lab_registrations')
      .select(['lab_id', 'number'])
      .where('account_id', '=', event.accountId)
      .execute(),
  ])
  return { account, structure, codes, numbers }
}

/**
 * Writes, in the caller's transaction, one event per lab concerned (see `labsConcerned`). Each event
 * carries what a lab needs to route results: the RPPS, names, the structure, that lab's correspondent
 * codes for it, and the person's number at that lab.
 */
async function emitLabEvent(db: Executor, clock: Clock, people: PeopleSource, event: LabEventInput) {
  const labIds = await labsConcerned(db, event)
  if (labIds.length === 0) return
  const { account, structure, codes, numbers } = await eventContext(db, people, event)
  const now = clock.now()
  await db
    .insertInto('lab_events')
    .values(
      labIds.map((labId) => ({
        lab_id: labId,
        type: event.type,
        account_id: event.accountId,
        structure_id: event.structureId ?? null,
        occurred_at: now,
        payload: JSON.stringify({
          account: {
            id: account.id,
            rpps: account.rpps,
            civility: account.civility,
            firstName: account.first_name,
            lastName: account.last_name,
            profile: account.profile,
            status: account.status,
          },
          structure: structure ?? null,
          correspondentCodes: codes.filter((code) => code.lab_id === labId).map((code) => code.code),
          labRegistrationNumber: numbers.find((number) => number.lab_id === labId)?.number ?? null,
          ...(event.right && { right: event.right }),
        } satisfies LabEventPayload),
      })),
    )
    .execute()
}

/** An account becomes active: the labs learn it, and each sensitive right that takes effect with it. */
async function announceActivation(db: Executor, clock: Clock, people: PeopleSource, accountId: string) {
  await emitLabEvent(db, clock, people, { type: 'account.activated', accountId })
  const rights = await rightsHeld(db, accountId)
  for (const right of rights)
    await emitLabEvent(db, clock, people, {
      type: 'right.granted',
      accountId,
      structureId: right.structure_id,
      right: right.name,
    })
}

/**
 * The publisher of the lab events over the people as `people` shows them (accounts/ builds the one the
 * areas use, over its own fragment): events written in the caller's transaction.
 */
export const labEventPublisher = (people: PeopleSource) => ({
  emitLabEvent: (db: Executor, clock: Clock, event: LabEventInput): Promise<void> =>
    emitLabEvent(db, clock, people, event),
  announceActivation: (db: Executor, clock: Clock, accountId: string): Promise<void> =>
    announceActivation(db, clock, people, accountId),
})
