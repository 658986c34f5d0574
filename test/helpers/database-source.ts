import pg from 'pg'

export type TestDatabaseSource =
  | { kind: 'embedded' }
  | { kind: 'postgres'; adminUrl: string; origin: 'TEST_DATABASE_URL' | 'testcontainers'; template?: string }

/** The template database of this run: migrated once, cloned by every test file. */
export const templateName = () => `sesame_template_${process.pid}`

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot be pooled). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
