import { randomBytes } from 'node:crypto'
import { buildApp } from './app.ts'
import { testConfig } from './config.ts'
import { openDatabase } from './db/database.ts'

/** The OpenAPI document of this build, with its keys in a stable order, as committed in openapi/. */
export async function generateOpenApiDocument(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ dataDir: 'memory://' })
  const app = await buildApp({
    config: testConfig({ DOCS_ENABLED: 'false' }),
    database,
    secretKey: randomBytes(32),
  })
  try {
    await app.ready()
    return sortKeys(app.swagger()) as Record<string, unknown>
  } finally {
    await app.close()
    await database.close()
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}
