import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify'
import type { FieldProblem } from '../shared/errors.ts'
import { textPatternMessage } from '../shared/text.ts'

// ajv-formats is CommonJS: its plugin is both `module.exports` and `module.exports.default`.
const addFormats = (ajv: Ajv): Ajv => addFormatsModule.default(ajv)

/**
 * Request validation. Bodies are taken as sent: no type coercion and no silent stripping of unknown
 * properties (schemas forbid them, and the 400 names them). Query strings, params and headers are text
 * by nature, so they are coerced to the declared types. Every failing field is reported.
 */
export function installValidation(app: FastifyInstance): void {
  const { bodies, texts } = requestValidators()
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : texts).compile(schema))
}

/** The validators of request bodies, and of query strings, params and headers. */
export function requestValidators(): { bodies: Ajv; texts: Ajv } {
  const common = { useDefaults: true, removeAdditional: false, allErrors: true, strict: false } as const
  return {
    bodies: addFormats(new Ajv({ ...common, coerceTypes: false })),
    texts: addFormats(new Ajv({ ...common, coerceTypes: 'array' })),
  }
}

/** Turns ajv errors into field problems: `{in: 'body', field: 'practicePlaces.0.primary', message}`. */
export function fieldProblems(errors: FastifySchemaValidationError[], location: string): FieldProblem[] {
  const seen = new Set<string>()
  const problems: FieldProblem[] = []
  for (const error of errors) {
    // anyOf/oneOf repeat each branch's error; the summary line is enough.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue
    const path = error.instancePath.split('/').filter(Boolean)
    let message = error.message ?? 'is invalid'
    if (error.keyword === 'required') path.push(String(error.params.missingProperty))
    if (error.keyword === 'additionalProperties') {
      path.push(String(error.params.additionalProperty))
      message = 'is not an accepted property'
    }
    if (error.keyword === 'pattern') message = textPatternMessage(String(error.params.pattern)) ?? message
    if (error.keyword === 'const' || error.keyword === 'enum') {
      const allowed = error.params.allowedValues ?? [error.params.allowedValue]
      message = `must be one of: ${(allowed as unknown[]).map(String).join(', ')}`
    }
    const field = path.join('.').replace(/~1/g, '/').replace(/~0/g, '~')
    const key = `${field}|${error.keyword}|${message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({ in: location, field, message })
  }
  return mergeUnionProblems(problems)
}

// A union of literals fails as one `const` error per branch: show them as one line.
function mergeUnionProblems(problems: FieldProblem[]): FieldProblem[] {
  const merged = new Map<string, FieldProblem>()
  for (const entry of problems) {
    const key = `${entry.in}|${entry.field}`
    const previous = merged.get(key)
    if (previous?.message.startsWith('must be one of: ') && entry.message.startsWith('must be one of: ')) {
      previous.message += `, ${entry.message.slice('must be one of: '.length)}`
    } else if (!previous) {
      merged.set(key, { ...entry })
    } else {
      merged.set(`${key}|${merged.size}`, { ...entry })
    }
  }
  return [...merged.values()]
}
