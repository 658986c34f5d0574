import { isDeepStrictEqual } from 'node:util'
import { CompiledQuery, type RawBuilder } from 'kysely'
import type { Executor } from './schema.ts'

const SLOT = Symbol('value of a fixed statement')
type Slot = { readonly [SLOT]: number }
const isSlot = (value: unknown): value is Slot => typeof value === 'object' && value !== null && SLOT in value

/**
 * A statement whose text does not depend on its values, built and compiled once per database, then
 * sent with each call's values: the query builder and its compiler run once, not on every request (for
 * `GET /v1/me`, 15 µs of building and compiling a request; for the collaborators, 46 µs). `build` is
 * given stand-ins for the values and may only place them in the statement, never look at them. The
 * first call checks it: every value placed, and the statement built from the first call's own values
 * the same, text and parameters, as the one compiled with stand-ins; else it throws.
 */
export function fixedStatement<Values extends unknown[], Row>(
  build: (db: Executor, ...values: Values) => RawBuilder<Row>,
): (db: Executor, ...values: Values) => CompiledQuery<Row> {
  const compiled = new WeakMap<Executor, { sql: string; parameters: unknown[] }>()
  return (db, ...values) => {
    let template = compiled.get(db)
    if (!template) {
      const slots = values.map((_, index): Slot => ({ [SLOT]: index }))
      const query = build(db, ...(slots as Values)).compile(db)
      const placed = new Set(query.parameters.filter(isSlot).map((slot) => slot[SLOT]))
      if (placed.size !== values.length) throw new Error('A fixed statement must place each of its values.')
      const built = build(db, ...values).compile(db)
      const sent = fill(query.parameters, values)
      // (The values built in, such as a constant list, are rebuilt each time: compared by content.)
      if (built.sql !== query.sql || !isDeepStrictEqual(built.parameters, sent))
        throw new Error('A fixed statement must not depend on its values.')
      template = { sql: query.sql, parameters: [...query.parameters] }
      compiled.set(db, template)
    }
    return CompiledQuery.raw(template.sql, fill(template.parameters, values))
  }
}

const fill = (parameters: readonly unknown[], values: readonly unknown[]) =>
  parameters.map((parameter) => (isSlot(parameter) ? values[parameter[SLOT]] : parameter))
