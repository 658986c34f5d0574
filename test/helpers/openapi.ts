/** Reading the service's OpenAPI document: its operations and the schemas of what they accept. */

export type Schema = Record<string, unknown> & {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  additionalProperties?: boolean | Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  required?: string[]
  enum?: unknown[]
  const?: unknown
  examples?: unknown[]
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: Schema
}

export interface Operation {
  method: string
  path: string
  operationId: string
  parameters: Parameter[]
  /** The body schema by media type. */
  bodies: Record<string, Schema>
  bodyRequired: boolean
  /** Whether the operation declares a bearer token. */
  secured: boolean
  /** Documented answers by status (`200`, `4XX`, `default`): their schema by media type. */
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}

type RawParameter = Parameter & { example?: unknown; examples?: Record<string, { value: unknown }> }

// The document moves a parameter's examples out of its schema: put them back.
function withExamples({ example, examples, ...parameter }: RawParameter): Parameter {
  const values = example !== undefined ? [example] : Object.values(examples ?? {}).map(({ value }) => value)
  return values.length > 0 ? { ...parameter, schema: { ...parameter.schema, examples: values } } : parameter
}

export type Document = {
  paths: Record<string, Record<string, Record<string, unknown>>>
  components?: { schemas?: Record<string, Schema> }
}

export function operationsOf(document: Document): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const body = operation.requestBody as
        | { required?: boolean; content: Record<string, { schema: Schema }> }
        | undefined
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId as string,
        parameters: ((operation.parameters ?? []) as RawParameter[]).map(withExamples),
        bodies: Object.fromEntries(
          Object.entries(body?.content ?? {}).map(([type, media]) => [type, media.schema]),
        ),
        bodyRequired: body?.required ?? false,
        secured: Array.isArray(operation.security) && operation.security.length > 0,
        responses: (operation.responses ?? {}) as Operation['responses'],
      })
    }
  }
  return operations
}

/** Follows a `$ref` to `#/components/schemas/…`. */
export function resolve(document: Document, schema: Schema): Schema {
  if (!schema.$ref) return schema
  const name = schema.$ref.split('/').at(-1) as string
  const target = document.components?.schemas?.[name]
  if (!target) throw new Error(`Unresolved ${schema.$ref}`)
  return resolve(document, target)
}

/** Every string schema inside a schema, with the path that leads to it. */
export function stringSchemas(document: Document, root: Schema, at = ''): { at: string; schema: Schema }[] {
  const schema = resolve(document, root)
  const found: { at: string; schema: Schema }[] = []
  const types = [schema.type].flat()
  if (types.includes('string')) found.push({ at, schema })
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    found.push(...stringSchemas(document, branch, at))
  if (schema.items) found.push(...stringSchemas(document, schema.items, `${at}[]`))
  for (const [key, property] of Object.entries(schema.properties ?? {}))
    found.push(...stringSchemas(document, property, at ? `${at}.${key}` : key))
  if (typeof schema.additionalProperties === 'object')
    found.push(...stringSchemas(document, schema.additionalProperties, `${at}.*`))
  return found
}
