import fc from 'fast-check'
import type { Operation, Parameter, Schema } from './openapi.ts'

/**
 * Requests derived from an operation of the OpenAPI document, mostly invalid: values of the wrong type,
 * control characters, overlong or malformed text, missing and unknown fields, bodies that are not
 * JSON, malformed escapes in the URL. What a hostile client sends.
 */
export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
}

const CONTROLS = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[2J',
  '\r',
  '\n',
  '\u007f',
  '\u0085',
  '\u009b',
)
const controlText = fc
  .tuple(fc.string({ maxLength: 8 }), CONTROLS, fc.string({ maxLength: 8 }))
  .map((parts) => parts.join(''))
const NASTY = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  "' or 1=1 --",
  '../../../etc/passwd',
  '%00',
  '$' + '{jndi:ldap://x}',
  '<script>alert(1)</script>',
  'ＡＢＣ',
  '𝕊ésame 🩺',
  '\u202eevil',
  '\ufeff',
  '00000000-0000-0000-0000-000000000000',
  '2026-13-45T99:99:99Z',
)
/** Text for a URL or a header: valid Unicode (a lone surrogate cannot be percent-encoded). */
const urlText = fc.oneof(
  NASTY,
  controlText,
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ minLength: 101, maxLength: 2000 }),
  fc.uuid(),
)
/** Any JSON value, with lone surrogates and long strings among them. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  urlText,
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 1, 1e308, true, false, null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
)

/** A value that the schema accepts, or near enough: the example, else the simplest one. */
export function sample(schema: Schema, resolve: (schema: Schema) => Schema): unknown {
  const s = resolve(schema)
  if (s.examples?.length) return s.examples[0]
  if (s.const !== undefined) return s.const
  if (s.enum?.length) return s.enum[0]
  const branch = s.anyOf?.[0] ?? s.oneOf?.[0]
  if (branch) return sample(branch, resolve)
  switch ([s.type].flat()[0]) {
    case 'object':
      return Object.fromEntries(
        (s.required ?? []).map((key) => [key, sample(s.properties?.[key] ?? {}, resolve)]),
      )
    case 'array':
      return s.items ? [sample(s.items, resolve)] : []
    case 'integer':
    case 'number':
      return (s.minimum as number | undefined) ?? 1
    case 'boolean':
      return true
    default:
      return 'x'
  }
}

type Mutation = { kind: 'delete' | 'set' | 'add'; at: number; value: unknown }

/** Every place in a JSON value where a mutation can land: the value itself, each property, each item. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path]
  if (Array.isArray(value)) return here.concat(...value.map((item, index) => places(item, [...path, index])))
  if (value && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([key, item]) => places(item, [...path, key])))
  return here
}

function mutate(base: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(base)
  const targets = places(copy)
  const path = targets[mutation.at % targets.length] ?? []
  if (path.length === 0) return mutation.kind === 'set' ? mutation.value : copy
  type Node = Record<string | number, unknown>
  const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, copy as Node)
  const key = path.at(-1) as string | number
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1)
    else delete parent[key]
  } else if (mutation.kind === 'set') parent[key] = mutation.value
  else if (!Array.isArray(parent)) parent.unexpected = mutation.value
  return copy
}

const mutations = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('delete', 'set', 'set', 'add'),
  at: fc.nat(),
  value: jsonValue,
})

/** A body for the operation: its example mutated, any JSON, or bytes that are not JSON at all. */
function bodyFor(operation: Operation, resolve: (schema: Schema) => Schema) {
  const [type, schema] = Object.entries(operation.bodies)[0] ?? ['application/json', undefined]
  const base = schema ? sample(schema, resolve) : {}
  const encode = (value: unknown) =>
    type === 'application/x-www-form-urlencoded'
      ? new URLSearchParams(
          Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ]),
        ).toString()
      : JSON.stringify(value)
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(mutations, { minLength: 1, maxLength: 3 })
        .map((steps) => ({ type, payload: encode(steps.reduce(mutate, base)) })),
    },
    { weight: 1, arbitrary: jsonValue.map((value) => ({ type, payload: JSON.stringify(value) ?? 'null' })) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/zip'),
        payload: fc.oneof(fc.constantFrom('', '{', '{"a":', 'null', '[1,2', '\u0000'), urlText),
      }),
    },
  )
}

/** A path or query value: the example, a known value, or something hostile; encoded, or malformed. */
function parameterValue(parameter: Parameter, known: Record<string, string>) {
  const example = parameter.schema.examples?.[0]
  const valid = fc.constantFrom(
    ...[known[parameter.name], example].filter((v) => v !== undefined).map(String),
    'x',
  )
  const encoded = fc
    .oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: urlText })
    .map(encodeURIComponent)
  const value = fc.oneof(
    { weight: 6, arbitrary: encoded },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%C0%AE', '%', '%E9') },
  )
  // An empty path segment names another operation (`/accounts/` is the list): not this one's input.
  return parameter.in === 'path' ? value.filter((text) => text !== '') : value
}

export function requestFor(
  operation: Operation,
  resolve: (schema: Schema) => Schema,
  known: Record<string, string>,
): fc.Arbitrary<FuzzRequest> {
  const inPath = operation.parameters.filter((parameter) => parameter.in === 'path')
  const inQuery = operation.parameters.filter((parameter) => parameter.in === 'query')
  const inHeader = operation.parameters.filter((parameter) => parameter.in === 'header')
  const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(operation.method)
  return fc
    .record({
      path: fc.tuple(...inPath.map((parameter) => parameterValue(parameter, known))),
      query: fc.tuple(
        ...inQuery.map((parameter) =>
          fc.option(fc.array(parameterValue(parameter, known), { minLength: 1, maxLength: 2 }), { freq: 3 }),
        ),
      ),
      unknownQuery: fc.option(urlText.map(encodeURIComponent), { freq: 4 }),
      headers: fc.tuple(
        ...inHeader.map(() => fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })), { freq: 3 })),
      ),
      body: hasBody ? fc.option(bodyFor(operation, resolve), { freq: 8 }) : fc.constant(null),
    })
    .map(({ path, query, unknownQuery, headers, body }) => {
      let url = operation.path
      inPath.forEach((parameter, index) => {
        url = url.replace(`{${parameter.name}}`, path[index] ?? 'x')
      })
      const pairs = inQuery.flatMap((parameter, index) =>
        (query[index] ?? []).map((value) => `${encodeURIComponent(parameter.name)}=${value}`),
      )
      if (unknownQuery !== null) pairs.push(`unexpected=${unknownQuery}`)
      const headerValues: Record<string, string> = {}
      inHeader.forEach((parameter, index) => {
        const value = headers[index]
        // Header values are visible ASCII on the wire: the rest never reaches the service.
        if (value != null) headerValues[parameter.name] = value.replace(/[^\x20-\x7e]/g, '?')
      })
      return {
        method: operation.method,
        url: pairs.length > 0 ? `${url}?${pairs.join('&')}` : url,
        headers: { ...headerValues, ...(body ? { 'content-type': body.type } : {}) },
        ...(body ? { payload: body.payload } : {}),
      }
    })
}
