import type { Executor } from '../db/schema.ts'

/** What the FINESS directory says a FINESS number is: an establishment (ET), a legal entity (EJ), or unknown. */
export async function finessKind(
  db: Executor,
  finess: string,
): Promise<'establishment' | 'legal_entity' | 'unknown'> {
  const [establishment, legal] = await Promise.all([
    db
      .selectFrom('directory_establishments')
      .select('finess')
      .where('finess', '=', finess)
      .executeTakeFirst(),
    db
      .selectFrom('directory_establishments')
      .select('finess')
      .where('finess_legal', '=', finess)
      .executeTakeFirst(),
  ])
  if (establishment) return 'establishment'
  return legal ? 'legal_entity' : 'unknown'
}

/** The establishment of the FINESS directory that a FINESS (ET) or a SIRET names, if any. */
export async function establishmentByIdentifier(db: Executor, type: 'finess' | 'siret', identifier: string) {
  return db
    .selectFrom('directory_establishments')
    .select(['finess', 'finess_legal', 'siret', 'name', 'address', 'postal_code', 'city', 'department_code'])
    .where(type, '=', identifier)
    .orderBy('finess')
    .limit(1)
    .executeTakeFirst()
}
