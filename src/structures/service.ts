import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Clock } from '../clock.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import { establishmentByFiness } from '../directory/establishments.ts'
import { checkIdentifier, sirenOf } from '../identifiers/rules.ts'
import { conflict, type FieldProblem, notFound, unprocessable } from '../shared/errors.ts'
import { type StructureRow, structureById } from './repository.ts'
import type { NewStructureInput, StructureChangesInput } from './schemas.ts'

export interface StructureDeps {
  db: Executor
  clock: Clock
}

/** The department of a French postal code: 2A/2B in Corsica, three digits overseas. */
export function departmentOf(postalCode: string | null | undefined): string | null {
  if (!postalCode || !/^[0-9]{5}$/.test(postalCode)) return null
  if (postalCode.startsWith('20')) return Number(postalCode.slice(0, 3)) < 202 ? '2A' : '2B'
  if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3)
  return postalCode.slice(0, 2)
}

/** FINESS and SIRET must be real numbers (check digits), not just well-shaped. */
export function identifierProblems(
  input: { finess?: string; finessLegal?: string; siret?: string },
  prefix = '',
): FieldProblem[] {
  const problems: FieldProblem[] = []
  const checks = [
    ['finess', 'finess', input.finess],
    ['finessLegal', 'finess', input.finessLegal],
    ['siret', 'siret', input.siret],
  ] as const
  for (const [field, type, value] of checks) {
    if (value === undefined) continue
    const check = checkIdentifier(type, value)
    if (!check.valid)
      problems.push({ in: 'body', field: `${prefix}${field}`, message: check.message ?? 'is not valid' })
  }
  return problems
}

const columns = (input: StructureChangesInput) => ({
  ...(input.kind !== undefined && { kind: input.kind }),
  ...(input.name !== undefined && { name: input.name }),
  ...(input.finess !== undefined && { finess: input.finess.toUpperCase() }),
  ...(input.finessLegal !== undefined && { finess_legal: input.finessLegal.toUpperCase() }),
  ...(input.siret !== undefined && { siret: input.siret, siren: sirenOf(input.siret) }),
  ...(input.address !== undefined && { address: input.address }),
  ...(input.postalCode !== undefined && {
    postal_code: input.postalCode,
    department_code: departmentOf(input.postalCode),
  }),
  ...(input.city !== undefined && { city: input.city }),
  ...(input.region !== undefined && { region: input.region }),
  ...(input.phones !== undefined && { phones: input.phones }),
})

const duplicate = (error: unknown) => {
  if (isUniqueViolation(error))
    throw conflict('structure_exists', 'A structure with this FINESS or SIRET already exists.')
  throw error
}

export async function createStructure(
  deps: StructureDeps,
  actor: AuditActor,
  input: NewStructureInput,
): Promise<StructureRow> {
  const problems = identifierProblems(input)
  if (problems.length > 0) throw unprocessable('invalid_identifier', 'An identifier is not valid.', problems)
  const now = deps.clock.now()
  return deps.db
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .insertInto('structures')
        .values({ kind: input.kind, name: input.name, ...columns(input), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, deps.clock, actor, {
        action: 'structure.created',
        subjectType: 'structure',
        subjectId: row.id,
      })
      return row
    })
    .catch(duplicate)
}

export async function updateStructure(
  deps: StructureDeps,
  actor: AuditActor,
  id: string,
  changes: StructureChangesInput,
): Promise<StructureRow> {
  const problems = identifierProblems(changes)
  if (problems.length > 0) throw unprocessable('invalid_identifier', 'An identifier is not valid.', problems)
  return deps.db
    .transaction()
    .execute(async (trx) => {
      if (!(await structureById(trx, id))) throw notFound('not_found', 'No such structure.')
      const row = await trx
        .updateTable('structures')
        .set({ ...columns(changes), updated_at: deps.clock.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, deps.clock, actor, {
        action: 'structure.updated',
        subjectType: 'structure',
        subjectId: id,
        details: { fields: Object.keys(changes) },
      })
      return row
    })
    .catch(duplicate)
}

// FINESS categories: 620 is a dispensing pharmacy; 1xx and 355/362 are hospitals and clinics.
const kindOfCategory = (category: string): StructureRow['kind'] =>
  category === '620'
    ? 'pharmacy'
    : category === '355' || category === '362' || category.startsWith('1')
      ? 'clinic'
      : 'practice'

/**
 * The structure of a FINESS establishment: the one Sésame knows, else created from the FINESS
 * directory entry. Undefined when the directory does not know the number either. When another
 * structure already holds the entry's SIRET (one a lab's sync named by its SIRET alone, its link to
 * that lab pending), the establishment is created without it: the FINESS is what was named, and the
 * SIRET stays where it is for the support desk to reconcile, rather than failing on the unique SIRET.
 */
export async function structureFromDirectory(
  db: Executor,
  clock: Clock,
  finess: string,
): Promise<StructureRow | undefined> {
  const number = finess.toUpperCase()
  const byFiness = () =>
    db.selectFrom('structures').selectAll().where('finess', '=', number).executeTakeFirst()
  const known = await byFiness()
  if (known) return known
  const entry = await establishmentByFiness(db, number)
  if (!entry) return undefined
  const now = clock.now()
  const insert = (siret: string | null) =>
    db
      .insertInto('structures')
      .values({
        kind: kindOfCategory(entry.category_code),
        name: entry.name,
        finess: entry.finess,
        finess_legal: entry.finess_legal || null,
        siret,
        siren: siret ? sirenOf(siret) : null,
        address: entry.address || null,
        postal_code: entry.postal_code || null,
        city: entry.city || null,
        department_code: entry.department_code || departmentOf(entry.postal_code),
        created_at: now,
        updated_at: now,
      })
      // Any unique conflict, FINESS or SIRET, inserts nothing (and fails nothing) ...
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst()
  // ... then a concurrent insert of the same FINESS is the row; else the SIRET was taken.
  return (await insert(entry.siret || null)) ?? (await byFiness()) ?? (await insert(null)) ?? byFiness()
}
