import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { AccountsTable, Executor, LabRegistrationsTable, RightName } from '../db/schema.ts'
import { labCenters, usableCorrespondentCodes } from '../labs/fragments.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { confirmedStructuresOf } from '../memberships/places.ts'
import { rightsHeld } from '../memberships/rights.ts'
import type { LabEventInput, LabEventPublisher } from '../shared/lab-event-publisher.ts'
import { structureSummaries } from '../structures/fragments.ts'

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

/**
 * The labs an event concerns. An event about one structure goes to the labs tied to that structure (a
 * centre the person works with there, a correspondent code for it that works: active and linked); an
 * account-wide event, to every lab that knows the person.
 */
async function labsConcerned(db: Executor, sources: LabEventSources, event: LabEventInput) {
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
        union select n.lab_id from ${sources.labNumbers} n where n.account_id = ${event.accountId}
        union select k.lab_id from ${usableCorrespondentCodes} k join ${practicePlaces} p
          on p.structure_id = k.structure_id
          where p.account_id = ${event.accountId} and p.status = 'confirmed'`.execute(db)
  return [...new Set([...labs.map((row) => row.lab_id), ...(event.alsoLabs ?? [])])]
}

/**
 * What lab-events reads of the areas it cannot import, as those areas' fragments give it (subqueries of
 * their tables): the people events are about (accounts/), and their numbers at the labs (access/).
 * accounts/ publishes too, and it cannot reach access/: the app passes both when it builds the publisher.
 */
export interface LabEventSources {
  people: RawBuilder<
    Pick<
      Selectable<AccountsTable>,
      'id' | 'rpps' | 'civility' | 'first_name' | 'last_name' | 'profile' | 'status'
    >
  >
  labNumbers: RawBuilder<Pick<Selectable<LabRegistrationsTable>, 'account_id' | 'lab_id' | 'number'>>
}

/** What every lab's copy of the event shares: the person, the structure, codes and numbers by lab. */
async function eventContext(db: Executor, sources: LabEventSources, event: LabEventInput) {
  const structureId = event.structureId ?? null
  const account = await db
    .selectFrom(sources.people.as('a'))
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
      .selectFrom(sources.labNumbers.as('n'))
      .select(['n.lab_id', 'n.number'])
      .where('n.account_id', '=', event.accountId)
      .execute(),
  ])
  return { account, structure, codes, numbers }
}

/**
 * Writes, in the caller's transaction, one event per lab concerned (see `labsConcerned`). Each event
 * carries what a lab needs to route results: the RPPS, names, the structure, that lab's correspondent
 * codes for it, and the person's number at that lab.
 */
async function emitLabEvent(db: Executor, clock: Clock, sources: LabEventSources, event: LabEventInput) {
  const labIds = await labsConcerned(db, sources, event)
  if (labIds.length === 0) return
  const { account, structure, codes, numbers } = await eventContext(db, sources, event)
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

/** The publisher the areas are given (`Deps.labEvents`): events written in the caller's transaction. */
export const labEventPublisher = (clock: Clock, sources: LabEventSources): LabEventPublisher => ({
  emit: (db, event) => emitLabEvent(db, clock, sources, event),
  async announceActivation(db, accountId) {
    await emitLabEvent(db, clock, sources, { type: 'account.activated', accountId })
    for (const right of await rightsHeld(db, accountId))
      await emitLabEvent(db, clock, sources, {
        type: 'right.granted',
        accountId,
        structureId: right.structure_id,
        right: right.name,
      })
  },
})
