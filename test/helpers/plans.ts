import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
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
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string | [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (${run ? 'analyze, ' : ''}format json) ${query.sql}`, [...query.parameters]),
  )
  const plan = rows[0]!['QUERY PLAN']
  return scans((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan)
}
