import type { Executor } from '../db/schema.ts'
import {
  establishmentByFiness,
  establishmentsBySiret,
  establishmentsOfLegalEntity,
  establishmentView,
} from '../directory/establishments.ts'
import { professionalByRpps } from '../directory/search.ts'
import type { IdentifierCheck, IdentifierType } from './rules.ts'

type Professional = NonNullable<Awaited<ReturnType<typeof professionalByRpps>>>
type Establishment = ReturnType<typeof establishmentView>

export type DirectoryEntry =
  | { kind: 'professional'; professional: Professional }
  | { kind: 'establishment'; finessType: 'geographique' | 'juridique'; establishments: Establishment[] }

/** What the imported national directories know of a valid number, if anything. */
export async function directoryEntry(
  db: Executor,
  check: IdentifierCheck,
): Promise<DirectoryEntry | undefined> {
  const number = check.normalized
  const byType: Record<IdentifierType, () => Promise<DirectoryEntry | undefined>> = {
    rpps: () => professional(db, number, '8'),
    adeli: () => professional(db, number, '0'),
    finess: async () => {
      const site = await establishmentByFiness(db, number)
      if (site)
        return {
          kind: 'establishment',
          finessType: 'geographique',
          establishments: [establishmentView(site)],
        }
      const sites = await establishmentsOfLegalEntity(db, number)
      return sites.length > 0
        ? { kind: 'establishment', finessType: 'juridique', establishments: sites.map(establishmentView) }
        : undefined
    },
    siret: () => establishments(db, number, number),
    // The SIRETs of a SIREN are its 9 digits followed by 5 more.
    siren: () => establishments(db, `${number}00000`, `${number}99999`),
  }
  return byType[check.type]()
}

async function professional(
  db: Executor,
  number: string,
  idType: string,
): Promise<DirectoryEntry | undefined> {
  const person = await professionalByRpps(db, number)
  return person && person.idType === idType ? { kind: 'professional', professional: person } : undefined
}

async function establishments(db: Executor, from: string, to: string): Promise<DirectoryEntry | undefined> {
  const rows = await establishmentsBySiret(db, from, to)
  return rows.length > 0
    ? { kind: 'establishment', finessType: 'geographique', establishments: rows.map(establishmentView) }
    : undefined
}
