import type { FastifySchemaValidationError } from 'fastify/types/schema.ts'
import { checkIdentifier } from '../identifiers/rules.ts'
import { badRequest, type FieldProblem, unprocessable } from '../shared/errors.ts'
import type { CorrespondentItemInput } from './schemas.ts'

type Item = { code?: unknown }

/**
 * A batch is validated whole before anything is written: every bad item is listed (index, code,
 * field, reason) in one 422. A body that is not a batch at all is a 400. The Idempotency-Key header is
 * left to the idempotency check, which names what is wrong with it (`idempotency_key_required`…).
 */
export function assertBatchShape(
  body: unknown,
  failure: { validation: FastifySchemaValidationError[]; validationContext: string } | undefined,
): void {
  if (!failure || failure.validationContext === 'headers') return
  const errors = failure.validation
  if (errors.length === 0) return
  const items = (body as { items?: Item[] } | null)?.items
  const problems: FieldProblem[] = []
  for (const error of errors) {
    const match = /^\/items\/(\d+)(\/.*)?$/.exec(error.instancePath)
    if (!match || !Array.isArray(items)) {
      throw badRequest('validation_failed', 'The request is not a batch: `{ items: [...] }`.', [
        {
          in: 'body',
          field: error.instancePath.slice(1).replaceAll('/', '.') || 'items',
          message: error.message ?? 'is invalid',
        },
      ])
    }
    const index = Number(match[1])
    const path = (match[2] ?? '').slice(1).split('/').filter(Boolean)
    if (error.keyword === 'required') path.push(String(error.params.missingProperty))
    if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty))
    const code = items[index]?.code
    problems.push({
      in: 'body',
      index,
      ...(typeof code === 'string' && { code }),
      field: path.join('.'),
      reason: error.keyword === 'additionalProperties' ? 'unknown_property' : `schema_${error.keyword}`,
      message:
        error.keyword === 'additionalProperties'
          ? 'is not an accepted property'
          : (error.message ?? 'is invalid'),
    })
  }
  throw invalidItems(problems)
}

export const invalidItems = (problems: FieldProblem[]) =>
  unprocessable(
    'invalid_items',
    `${new Set(problems.map((p) => p.index)).size} item(s) are not valid; nothing was written.`,
    problems,
  )

export function duplicateCodes<T extends { code: string }>(items: T[]): FieldProblem[] {
  const seen = new Map<string, number>()
  const problems: FieldProblem[] = []
  items.forEach((item, index) => {
    const first = seen.get(item.code)
    if (first === undefined) seen.set(item.code, index)
    else problems.push(itemProblem(index, item.code, 'code', 'duplicate_code', `repeats item ${first}`))
  })
  return problems
}

export function correspondentProblems(
  items: CorrespondentItemInput[],
  knownCenters: Set<string>,
): FieldProblem[] {
  const problems = duplicateCodes(items)
  items.forEach((item, index) => {
    const { finess, siret } = item.structure
    if (item.centerCode !== undefined && !knownCenters.has(item.centerCode)) {
      problems.push(
        itemProblem(index, item.code, 'centerCode', 'unknown_center', 'is not a centre of this lab'),
      )
    }
    if (finess === undefined && siret === undefined) {
      problems.push(
        itemProblem(index, item.code, 'structure', 'identifier_required', 'needs a FINESS or a SIRET'),
      )
    }
    for (const [field, type, value] of [
      ['finess', 'finess', finess],
      ['siret', 'siret', siret],
    ] as const) {
      if (value === undefined) continue
      const check = checkIdentifier(type, value)
      if (!check.valid)
        problems.push(
          itemProblem(
            index,
            item.code,
            `structure.${field}`,
            `invalid_${check.reason}`,
            check.message ?? 'is not valid',
          ),
        )
    }
  })
  return problems.sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
}

const itemProblem = (
  index: number,
  code: string,
  field: string,
  reason: string,
  message: string,
): FieldProblem => ({
  in: 'body',
  index,
  code,
  field,
  reason,
  message,
})
