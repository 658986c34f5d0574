import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor, labToken, labWithClient } from '../helpers/auth.ts'
import { type FuzzRequest, requestFor } from '../helpers/fuzz.ts'
import { type Document, type Operation, operationsOf, resolve } from '../helpers/openapi.ts'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

// Runs per operation: each under one of the four credentials. About 80 operations: a few thousand
// requests, well within a minute.
const RUNS = Number(process.env.FUZZ_RUNS ?? 24)

const ajv = addFormats(new Ajv({ strict: false, validateSchema: false, allErrors: false }))
// The committed document, which the OpenAPI test keeps equal to what the code describes.
const document = JSON.parse(
  readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'),
) as Document
ajv.addSchema(document as never, 'openapi')

let t: TestApp
let lab: { authorization: string }

beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_MAX: '1000000',
      // Quick hashes: the fuzz is about answers, not about password cost.
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      BODY_LIMIT_BYTES: '65536',
    },
  })
  lab = await labToken(t.app, await labWithClient(t.app, 'fuzzlab'))
}, 60_000)
afterAll(() => t?.close())

/**
 * The documented schema of an answer, compiled once: under its own status, else its range (`4XX`,
 * where every operation documents the problem), else `default`.
 */
const validators = new Map<string, ValidateFunction | undefined>()
function documented(operation: Operation, status: number, type: string) {
  const mediaOf = (key: string) =>
    Object.keys(operation.responses[key]?.content ?? {}).find((media) => media.split(';')[0] === type)
  const keys = [`${status}`, `${String(status)[0]}XX`, 'default'].filter((k) => operation.responses[k])
  const key = keys.find((k) => mediaOf(k)) ?? keys[0]
  const media = key ? mediaOf(key) : undefined
  if (!key || !media) return { key, media }
  const pointer = [
    'paths',
    operation.path,
    operation.method.toLowerCase(),
    'responses',
    key,
    'content',
    media,
    'schema',
  ]
    .map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('/')
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi#/${pointer}` }))
  return { key, media, validate: validators.get(pointer) }
}

type Credential = 'anonymous' | 'person' | 'support' | 'lab'

/** What every answer must be: never a 5xx; an error a problem (or its documented shape); as documented. */
function expectWellFormed(
  operation: Operation,
  request: FuzzRequest,
  response: Awaited<ReturnType<TestApp['app']['inject']>>,
) {
  const where = `${request.method} ${request.url} ${request.payload?.slice(0, 200) ?? ''} → ${response.statusCode} ${response.body.slice(0, 300)}`
  expect(response.statusCode, where).toBeLessThan(500)
  const requestId = response.headers['x-request-id']
  expect(requestId, where).toBeTruthy()
  if (response.body === '' || response.statusCode === 204) return
  const type = String(response.headers['content-type'] ?? '').split(';')[0] ?? ''
  const { key, media, validate } = documented(operation, response.statusCode, type)
  expect(key, `undocumented status: ${where}`).toBeDefined()
  expect(media, `undocumented media type ${type}: ${where}`).toBeDefined()
  if (!type.endsWith('json') || !validate) return
  const body = JSON.parse(response.body)
  expect(validate(body) ? [] : validate.errors, where).toEqual([])
  if (type === 'application/problem+json')
    expect(body, where).toMatchObject({ status: response.statusCode, requestId })
}

describe('every operation of the OpenAPI document, fed generated invalid and edge inputs', () => {
  it('is described', () => {
    expect(operationsOf(document).length).toBeGreaterThan(50)
  })

  it.each(operationsOf(document).map((operation) => [operation.operationId, operation] as const))(
    '%s never answers a 5xx nor an undocumented error',
    async (_id, operation) => {
      const credentials: Record<Credential, Record<string, string>> = {
        anonymous: {},
        person: await bearerFor(t.app, [], { profile: 'health_professional' }),
        support: await bearerFor(t.app, ['support']),
        lab,
      }
      const known = { labId: 'fuzzlab' }
      await fc.assert(
        fc.asyncProperty(
          requestFor(operation, (schema) => resolve(document, schema), known),
          fc.constantFrom<Credential>('anonymous', 'person', 'support', 'lab'),
          async (request, credential) => {
            const response = await t.app.inject({
              method: request.method as 'GET',
              url: request.url,
              headers: { ...request.headers, ...credentials[credential] },
              ...(request.payload !== undefined ? { payload: request.payload } : {}),
            })
            expectWellFormed(operation, request, response)
          },
        ),
        { numRuns: RUNS },
      )
    },
  )
})
