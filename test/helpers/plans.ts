import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'
import type { Executor } from '../../src/db/schema.ts'

/** Writes down every query run through it, as sent. */
export class QueryRecorder implements KyselyPlugin {
  readonly queries: CompiledQuery[] = []
  readonly #compile: (node: RootOperationNode) => CompiledQuery
  constructor(db: Executor) {
    this.#compile = (node) => db.getExecutor().compileQuery(node, { queryId: 'recorded' })
  }
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(this.#compile(node))
    return node
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result
  }
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Plans?: PlanNode[]
}
const scans = (node: PlanNode): string[] => [
  ...(node['Relation Name'] ? [`${node['Node Type']} on ${node['Relation Name']}`] : []),
  ...(node.Plans ?? []).flatMap(scans),
]

/** The tables a query reads and how (`Seq Scan on accounts`, `Index Scan on sessions`…), as planned. */
export async function tablesRead(db: Executor, query: CompiledQuery): Promise<string[]> {
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string | [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
  )
  const plan = rows[0]!['QUERY PLAN']
  return scans((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan)
}
