import { readFile } from 'node:fs/promises'
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOpenApiDocument } from '../../src/openapi.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

type Operation = {
  operationId: string
  summary?: string
  description?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  parameters?: { name: string; in: string; required?: boolean; example?: unknown }[]
  responses: Record<string, { description?: string }>
}

let document: Record<string, unknown>
let operations: { method: string; path: string; operation: Operation }[]

beforeAll(async () => {
  document = await generateOpenApiDocument()
  operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
  )
}, 60_000)

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, with an operation id, tags and problem responses on every operation', async () => {
    expect(document.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(document) as never)
    expect(result.valid ? [] : result.errors).toEqual([])

    expect(operations.length).toBeGreaterThan(0)
    const ids = operations.map(({ operation }) => operation.operationId)
    expect(ids.every(Boolean)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { operation } of operations) {
      expect(operation.tags?.length).toBeGreaterThan(0)
      expect(operation.responses).toHaveProperty('4XX')
      expect(operation.responses).toHaveProperty('5XX')
    }
    expect((document.components as { schemas: object }).schemas).toHaveProperty('Problem')
  })

  it('describes every operation in a sentence beyond its summary, and every response', () => {
    const undescribed = operations
      .filter(
        ({ operation }) => !operation.description?.trim() || operation.description === operation.summary,
      )
      .map(({ operation }) => operation.operationId)
    expect(undescribed).toEqual([])
    const defaultResponses = operations.flatMap(({ operation }) =>
      Object.entries(operation.responses)
        .filter(
          ([, response]) => !response.description?.trim() || response.description === 'Default Response',
        )
        .map(([status]) => `${operation.operationId} ${status}`),
    )
    expect(defaultResponses).toEqual([])
  })

  it('names its version, licence and server, and marks the batches’ idempotency key required', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    const info = document.info as { version: string; license?: { name: string; identifier?: string } }
    expect(info.version).toBe(manifest.version)
    expect(info.license).toMatchObject({ name: expect.any(String), identifier: expect.any(String) })
    expect(document.servers).toEqual([{ url: '/' }])

    // The server refuses a batch without one (400 `idempotency_key_required`).
    for (const batch of ['syncLabCenters', 'syncCorrespondents']) {
      const { operation } = operations.find(({ operation }) => operation.operationId === batch) ?? {}
      const key = operation?.parameters?.find((parameter) => parameter.name === 'idempotency-key')
      expect(key, batch).toMatchObject({ in: 'header', required: true })
    }
  })

  it('is the committed openapi/openapi.json', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'),
    )
    expect(committed).toEqual(document)
  })
})

describe('the security each operation declares', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_MAX: '1000000' } })
  }, 60_000)
  afterAll(() => t?.close())

  /** An anonymous call: path parameters from their examples, no body, no token. */
  const anonymousCall = ({ method, path, operation }: (typeof operations)[number]) => {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name)
      return encodeURIComponent(String(parameter?.example ?? 'x'))
    })
    return t.app.inject({ method: method.toUpperCase() as 'GET', url })
  }
  const bearer = (operation: Operation) =>
    (operation.security ?? []).some(
      (requirement) =>
        'bearerAuth' in requirement || 'mailboxToken' in requirement || 'labClient' in requirement,
    )

  it('is declared on every operation: a list of schemes, empty when the operation is public', () => {
    expect(operations.filter(({ operation }) => !Array.isArray(operation.security))).toEqual([])
  })

  it('is true: an operation behind a bearer token refuses an anonymous call with 401', async () => {
    const answers = await Promise.all(
      operations
        .filter(({ operation }) => bearer(operation))
        .map(async (call) => {
          const response = await anonymousCall(call)
          return `${call.operation.operationId} ${response.statusCode} ${response.json().code}`
        }),
    )
    expect(answers.length).toBeGreaterThan(0)
    expect(answers.filter((answer) => !answer.endsWith(' 401 unauthorized'))).toEqual([])
  })

  it('is true: a public operation (security: []) does not ask an anonymous caller for a token', async () => {
    const answers = await Promise.all(
      operations
        .filter(({ operation }) => operation.security?.length === 0)
        .map(async (call) => {
          const response = await anonymousCall(call)
          return { id: call.operation.operationId, status: response.statusCode }
        }),
    )
    expect(answers.length).toBeGreaterThan(0)
    expect(answers.filter(({ status }) => status === 401 || status === 403)).toEqual([])
  })
})
