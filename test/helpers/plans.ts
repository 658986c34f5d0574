import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely'
import type { DB, Executor } from '../../src/db/schema.ts'

/**
 * Writes down every statement run through it, as sent. Kysely hands plugins the subqueries of a
 * statement too (a query builder inside an `sql` template): only those that come back with a result,
 * the statements sent, are kept. A statement compiled beforehand (`fixedStatement`) reaches no plugin
 * before it runs: `recording(db)` writes those down too, on the database it answers only (not on a
 * transaction opened from it).
 */
export class QueryRecorder implements KyselyPlugin {
  readonly queries: CompiledQuery[] = []
  readonly #compile: (node: RootOperationNode) => CompiledQuery
  readonly #seen = new Map<string, RootOperationNode>()
  constructor(db: Executor) {
    this.#compile = (node) => db.getExecutor().compileQuery(node, { queryId: 'recorded' })
  }
  /** The database, through this recorder: what the app is given. */
  recording(db: Kysely<DB>): Kysely<DB> {
    const recorded = db.withPlugin(this)
    const execute = recorded.executeQuery.bind(recorded)
    recorded.executeQuery = (query, options) => {
      if (query instanceof Object && 'sql' in query && 'parameters' in query) this.queries.push(query)
      return execute(query, options)
    }
    return recorded
  }
  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    this.#seen.set(queryId.queryId, node)
    return node
  }
  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const node = this.#seen.get(queryId.queryId)
    if (node) this.queries.push(this.#compile(node))
    this.#seen.delete(queryId.queryId)
    return result
  }
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Actual Loops'?: number
  Plans?: PlanNode[]
}
const scans = (node: PlanNode): string[] =>
  node['Actual Loops'] === 0
    ? []
    : [
        ...(node['Relation Name'] ? [`${node['Node Type']} on ${node['Relation Name']}`] : []),
        ...(node.Plans ?? []).flatMap(scans),
      ]

/**
 * The tables a query reads and how (`Seq Scan on accounts`, `Index Scan on sessions`…), as planned; with
 * `run`, as run (`explain analyze`, for a read): a part of the plan that a one-time filter kept from
 * running (a fallback the statement did not need) is left out.
 */
export async function tablesRead(db: Executor, query: CompiledQuery, run = false): Promise<string[]> {
  const { rows } = await db.executeQuery<ExplainRow>(
    CompiledQuery.raw(`explain (${run ? 'analyze, ' : ''}format json) ${query.sql}`, [...query.parameters]),
  )
  return scansOf(rows)
}

type ExplainRow = { 'QUERY PLAN': string | [{ Plan: PlanNode }] }

/** The scans of an `explain (format json)` answer, as text or already parsed, as the engine gives it. */
function scansOf(rows: ExplainRow[]): string[] {
  const plan = rows[0]!['QUERY PLAN']
  return scans((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan)
}

/**
 * The tables a prepared statement reads, as run with `query`'s values on the plan PostgreSQL keeps for
 * it once it stops planning each execution anew: the generic plan, made for any values
 * (`plan_cache_mode = force_generic_plan`, on a connection of its own). A plan that reads whole tables
 * when it does not know the values (a page size sent as a value) shows here, where `tablesRead` with the
 * values would not.
 */
export async function tablesReadByGenericPlan(db: Kysely<DB>, query: CompiledQuery): Promise<string[]> {
  const values = query.parameters.map(literal).join(', ')
  return db.connection().execute(async (connection) => {
    await sql`set plan_cache_mode = force_generic_plan`.execute(connection)
    try {
      await connection.executeQuery(CompiledQuery.raw(`prepare generic_plan as ${query.sql}`))
      try {
        const { rows } = await connection.executeQuery<ExplainRow>(
          CompiledQuery.raw(`explain (analyze, format json) execute generic_plan(${values})`),
        )
        return scansOf(rows)
      } finally {
        await connection.executeQuery(CompiledQuery.raw('deallocate generic_plan'))
      }
    } finally {
      // The connection goes back to the pool as it came.
      await sql`reset plan_cache_mode`.execute(connection)
    }
  })
}

/** A value as an SQL literal, for `execute` (test values only: text, finite numbers, booleans, times, null). */
function literal(value: unknown): string {
  if (value === null) return 'null'
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
    return String(value)
  if (value instanceof Date) return `'${value.toISOString()}'`
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  throw new Error(`No literal for ${typeof value} values.`)
}
