import type { Executor } from '../db/schema.ts'
import { labCenters } from '../labs/fragments.ts'
import { practicePlaces } from '../memberships/fragments.ts'
import { structureSummaries } from '../structures/fragments.ts'

/** The account's practice places, oldest first, as /v1/me shows them. */
export async function listPlaces(db: Executor, accountId: string) {
  const places = await db
    .selectFrom(practicePlaces.as('p'))
    .innerJoin(structureSummaries.as('s'), 's.id', 'p.structure_id')
    .leftJoin(labCenters.as('c'), 'c.id', 'p.lab_center_id')
    .select([
      'p.id',
      'p.is_primary',
      'p.status',
      's.id as structure_id',
      's.name',
      's.city',
      's.finess',
      's.siret',
      'c.id as center_id',
      'c.code as center_code',
      'c.name as center_name',
      'c.lab_id',
    ])
    .where('p.account_id', '=', accountId)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute()
  return places.map((place) => ({
    id: place.id,
    primary: place.is_primary,
    status: place.status,
    structure: {
      id: place.structure_id,
      name: place.name,
      city: place.city,
      finess: place.finess,
      siret: place.siret,
    },
    labCenter: place.center_id
      ? {
          id: place.center_id,
          code: place.center_code ?? '',
          name: place.center_name ?? '',
          labId: place.lab_id ?? '',
        }
      : null,
  }))
}
