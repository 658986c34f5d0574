import { beforeAll, describe, expect, it } from 'vitest'
import { generateOpenApiDocument } from '../../src/openapi.ts'
import { requestValidators } from '../../src/plugins/validation.ts'
import { LINES_PATTERN } from '../../src/shared/text.ts'
import { type Document, operationsOf, type Schema, stringSchemas } from '../helpers/openapi.ts'

// Every control character: C0, DEL and C1.
const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  ...Array.from({ length: 0x21 }, (_, offset) => 0x7f + offset),
].map((code) => String.fromCharCode(code))

interface RequestString {
  where: string
  schema: Schema
  body: boolean
}

let strings: RequestString[]

beforeAll(async () => {
  const document = (await generateOpenApiDocument()) as Document
  strings = operationsOf(document).flatMap((operation) => {
    const name = `${operation.method} ${operation.path}`
    return [
      ...operation.parameters.flatMap((parameter) =>
        stringSchemas(document, parameter.schema).map(({ schema }) => ({
          where: `${name} ${parameter.in} ${parameter.name}`,
          schema,
          body: false,
        })),
      ),
      ...Object.entries(operation.bodies).flatMap(([type, body]) =>
        stringSchemas(document, body).map(({ at, schema }) => ({
          where: `${name} body (${type}) ${at}`,
          schema,
          body: true,
        })),
      ),
    ]
  })
}, 60_000)

/**
 * The guard of every route to come: a new operation whose string field (body, query, path or header)
 * would take a control character fails here, whatever the route's author thought of.
 */
describe('every string an operation accepts', () => {
  it('is found in the document', () => {
    expect(strings.length).toBeGreaterThan(100)
  })

  it('shows an example that it accepts', () => {
    const { bodies, texts } = requestValidators()
    const wrong = strings
      .filter(({ schema }) => schema.enum === undefined && schema.const === undefined)
      .filter(({ schema, body }) => {
        const validate = (body ? bodies : texts).compile({ ...schema })
        return !schema.examples?.length || !schema.examples.every((example) => validate(example))
      })
      .map(({ where }) => where)
    expect(wrong).toEqual([])
  })

  it('refuses control characters (multi-line text keeps line feeds and tabs only)', () => {
    const { bodies, texts } = requestValidators()
    const accepting: string[] = []
    for (const { where, schema, body } of strings) {
      if (schema.enum !== undefined || schema.const !== undefined) continue
      const validate = (body ? bodies : texts).compile({ ...schema })
      const multiLine = String(schema.pattern).endsWith(LINES_PATTERN.slice(1))
      for (const example of (schema.examples ?? []) as string[]) {
        for (const control of CONTROLS) {
          if (multiLine && (control === '\n' || control === '\t')) continue
          const middle = Math.floor(example.length / 2)
          const variants = [
            control + example,
            example.slice(0, middle) + control + example.slice(middle),
            example + control,
          ]
          const accepted = variants.find((variant) => validate(variant))
          if (accepted !== undefined) accepting.push(`${where} accepts ${JSON.stringify(accepted)}`)
        }
      }
    }
    // One line per field is enough to point at it.
    expect([...new Set(accepting.map((line) => line.split(' accepts ')[0]))]).toEqual([])
  })
})
