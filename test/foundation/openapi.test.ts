import { readFile } from 'node:fs/promises'
import { validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { generateOpenApiDocument } from '../../src/openapi.ts'

type Operation = { operationId?: string; tags?: string[]; responses?: Record<string, unknown> }

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, with an operation id, tags and problem responses on every operation', async () => {
    const document = await generateOpenApiDocument()
    expect(document.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(document) as never)
    expect(result.valid ? [] : result.errors).toEqual([])

    const operations = Object.values(document.paths as Record<string, Record<string, Operation>>).flatMap(
      (item) => Object.values(item),
    )
    expect(operations.length).toBeGreaterThan(0)
    const ids = operations.map((operation) => operation.operationId)
    expect(ids.every(Boolean)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    for (const operation of operations) {
      expect(operation.tags?.length).toBeGreaterThan(0)
      expect(operation.responses).toHaveProperty('4XX')
      expect(operation.responses).toHaveProperty('5XX')
    }
    expect((document.components as { schemas: object }).schemas).toHaveProperty('Problem')
  })

  it('is the committed openapi/openapi.json', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'),
    )
    expect(committed).toEqual(await generateOpenApiDocument())
  })
})
