import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import {
  type DatabaseMetadata,
  type ExpressionNode,
  GenericExpressionNode,
  type PostgresDB,
  PostgresDialect,
  RawExpressionNode,
  serializeFromMetadata,
} from 'kysely-codegen'
import { migrateToLatest } from '../src/db/migrate.ts'
import { PGliteDialect } from '../src/db/pglite-dialect.ts'

// `npm run db:types` writes src/db/tables.ts, the table types, from a database migrated from scratch
// (the embedded PostgreSQL, in memory) with kysely-codegen; `npm run db:types:check` fails when the
// committed file differs. What the catalogue does not say, the generation adds from the database itself:
// - a text column whose CHECK constraint lists its values (`status in ('pending', 'sent')`) is typed as
//   the union of those values, an array column checked with `<@ array[…]` as an array of them;
// - a generated column (`generated always as (…) stored`) can be neither inserted nor updated, and a
//   `created_at` cannot be updated;
// - timestamps are `Date`, bigints `number` (the pg driver parses them so: see src/db/database.ts).
// JSON columns are the one thing a database cannot tell: their shapes are declared below, and a JSON
// column without one fails the generation.

const file = new URL('../src/db/tables.ts', import.meta.url)

/** What each JSON column holds once read. Written as JSON text (`JSON.stringify`). */
const JSON_SHAPES: Record<string, string> = {
  'account_requests.billing': '{ clientName: string; clientNumber: string }',
  'account_requests.lab_registrations': '{ labId: string; number: string }[]',
  'account_requests.workplaces': '{ structureId: string; primary: boolean }[]',
  'audit_events.details': 'Record<string, unknown>',
  'directory_imports.rejections': '{ line: number; reason: string }[]',
  'idempotency_keys.response_body': 'unknown',
  'lab_events.payload': 'Record<string, unknown>',
  'outbox.payload': 'Record<string, unknown>',
  'profile_change_requests.changes': 'Record<string, string>',
  'psc_registration_tokens.identity': 'unknown',
  'signing_keys.public_jwk': 'Record<string, unknown>',
}

/**
 * Columns the database leaves open but the code writes only so, each with why. Keep it short: a CHECK
 * constraint in a migration says the same for every writer, and then the entry goes.
 */
const NARROWED: Record<string, string> = {
  // A subset of the request's `rights` (checked against the same list), chosen by the approver.
  'access_requests.granted_rights': "('results' | 'invoices')[]",
}

const HEADER = `/**
 * The table types, generated from the migrated database by \`npm run db:types\` (scripts/db-types.ts):
 * do not edit; change a migration, then run it. \`npm run db:types:check\` fails when this file drifts.
 * Import them from ./schema.ts.
 */

`

interface CheckedColumn {
  table: string
  column: string
  definition: string
}

/** Each CHECK constraint on one column of the public schema, as PostgreSQL prints it back. */
async function singleColumnChecks<T>(db: Kysely<T>): Promise<CheckedColumn[]> {
  const { rows } = await sql<CheckedColumn>`
    select c.relname as "table", a.attname as "column", pg_get_constraintdef(k.oid) as definition
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where k.contype = 'c' and n.nspname = 'public' and cardinality(k.conkey) = 1
    order by 1, 2, 3`.execute(db)
  return rows
}

/** Columns computed by PostgreSQL (`generated always as (…) stored`), as `table.column`. */
async function generatedColumns<T>(db: Kysely<T>): Promise<Set<string>> {
  const { rows } = await sql<{ path: string }>`
    select c.relname || '.' || a.attname as path
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and a.attgenerated = 's'`.execute(db)
  return new Set(rows.map((row) => row.path))
}

const LITERAL = /'((?:[^']|'')*)'::text/g
const literals = (list: string) => [...list.matchAll(LITERAL)].map((match) => match[1]!.replaceAll("''", "'"))

/**
 * The values a CHECK allows its column, when it says so plainly: `col = 'a'`, `col = any (array[…])`,
 * or `col <@ array[…]` for an array, alone or joined by AND to other conditions (each must hold, so any
 * one bounds the values). A constraint with OR, NOT or `<>` is left alone.
 */
function allowedValues(column: string, definition: string): string[] | undefined {
  if (/\bOR\b|\bNOT\b|<>/.test(definition)) return undefined
  const name = column.replace(/[^a-z0-9_]/g, '')
  const patterns = [
    new RegExp(`\\(${name} = ANY \\(ARRAY\\[((?:'(?:[^']|'')*'::text(?:, )?)+)\\]\\)\\)`),
    new RegExp(`\\(${name} <@ ARRAY\\[((?:'(?:[^']|'')*'::text(?:, )?)+)\\]\\)`),
    new RegExp(`\\(${name} = ('(?:[^']|'')*'::text)\\)`),
  ]
  for (const pattern of patterns) {
    const match = pattern.exec(definition)
    if (match) return literals(match[1]!)
  }
  return undefined
}

const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
const raw = (expression: string) => new RawExpressionNode(expression)
const columnType = (select: string, insert: string, update: string) =>
  new GenericExpressionNode('ColumnType', [raw(select), raw(insert), raw(update)])

/** What a CHECK constraint allows each column, by `table.column`: where two do, what both allow. */
async function allowedByChecks<T>(db: Kysely<T>): Promise<Map<string, string[]>> {
  const allowed = new Map<string, string[]>()
  for (const check of await singleColumnChecks(db)) {
    const values = allowedValues(check.column, check.definition)
    const path = `${check.table}.${check.column}`
    const before = allowed.get(path)
    if (values) allowed.set(path, before ? before.filter((value) => values.includes(value)) : values)
  }
  return allowed
}

type Column = DatabaseMetadata['tables'][number]['columns'][number]

/**
 * The type of one column where kysely-codegen's own is not enough, else undefined. An override that
 * says `null` itself marks the column not nullable, so that kysely-codegen does not add it again.
 */
function overrideFor(path: string, column: Column, allowed: string[] | undefined, computed: boolean) {
  const orNull = column.isNullable ? ' | null' : ''
  const orDefault = column.hasDefaultValue ? ' | undefined' : ''
  const values = allowed?.map(quote).join(' | ')
  if (computed) {
    column.isNullable = false
    const type = values ?? (column.dataType === 'bool' ? 'boolean' : 'string')
    return columnType(`${type}${orNull}`, 'never', 'never')
  }
  if (column.dataType === 'jsonb' || column.dataType === 'json') {
    column.isNullable = false
    const shape = JSON_SHAPES[path]
    return shape
      ? columnType(`${shape}${orNull}`, `string${orNull}${orDefault}`, `string${orNull}`)
      : undefined
  }
  if (column.name === 'created_at' && column.dataType === 'timestamptz') {
    // When a row was created is written once.
    column.isNullable = false
    return columnType(`Date${orNull}`, `Date${orNull}${orDefault}`, 'never')
  }
  if (NARROWED[path]) return raw(NARROWED[path])
  if (values && column.isArray) {
    const array = raw(`(${values})[]`)
    return column.hasDefaultValue ? new GenericExpressionNode('Generated', [array]) : array
  }
  // A text column's allowed values: kysely-codegen writes their union, with null and defaults.
  if (allowed) column.enumValues = allowed
  return undefined
}

/**
 * Adds to the catalogue what the database implies (allowed values, computed columns) and the declared
 * types; returns the overrides. Throws on a JSON column without a shape, or a declaration of no column.
 */
async function refine<T>(db: Kysely<T>, metadata: DatabaseMetadata): Promise<Record<string, ExpressionNode>> {
  const allowed = await allowedByChecks(db)
  const computed = await generatedColumns(db)
  const overrides: Record<string, ExpressionNode> = {}
  const undeclared: string[] = []
  for (const table of metadata.tables) {
    for (const column of table.columns) {
      const path = `${table.name}.${column.name}`
      const isJson = column.dataType === 'jsonb' || column.dataType === 'json'
      const override = overrideFor(path, column, allowed.get(path), computed.has(path))
      if (override) overrides[path] = override
      else if (isJson) undeclared.push(`${path} (a JSON column without a shape)`)
    }
  }
  for (const path of [...Object.keys(JSON_SHAPES), ...Object.keys(NARROWED)])
    if (!(path in overrides)) undeclared.push(`${path} (declared, but not a column it applies to)`)
  if (undeclared.length > 0)
    throw new Error(`Declarations to fix in scripts/db-types.ts: ${undeclared.join(', ')}`)
  return overrides
}

/** Table interfaces are named `<Table>Table` (`accounts` → `AccountsTable`), as the code names them. */
function nameTables(text: string): string {
  const names = [...text.matchAll(/^export interface (\w+) \{/gm)].map((match) => match[1]!)
  let renamed = text
  for (const name of names.filter((name) => name !== 'DB'))
    renamed = renamed.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}Table`)
  return renamed
}

/** Formats as the rest of the code (Biome, with the repository's settings). */
function format(text: string): string {
  const biome = fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url))
  const result = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${fileURLToPath(file)}`], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    input: text,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`Biome could not format the table types: ${result.stderr}`)
  return result.stdout
}

/** The table types of a database migrated from scratch, as src/db/tables.ts holds them. */
async function generateTableTypes(): Promise<string> {
  const db = new Kysely<PostgresDB>({ dialect: new PGliteDialect(await PGlite.create('memory://')) })
  try {
    await migrateToLatest(db)
    const dialect = new PostgresDialect()
    const metadata = await dialect.introspector.introspect({ db })
    const text = serializeFromMetadata({
      dialect,
      metadata,
      overrides: { columns: await refine(db, metadata) },
      typeMapping: { timestamptz: 'Date', int8: 'number' },
      skipAutogeneratedFileComment: true,
    })
    return format(HEADER + nameTables(text))
  } finally {
    await db.destroy()
  }
}

{
  const text = await generateTableTypes()
  if (process.argv.includes('--check')) {
    const committed = await readFile(file, 'utf8').catch(() => '')
    if (committed !== text) {
      process.stderr.write(
        'src/db/tables.ts differs from the migrated database: run `npm run db:types` and commit the result.\n',
      )
      process.exit(1)
    }
    process.stdout.write('src/db/tables.ts matches the migrated database.\n')
  } else {
    await writeFile(file, text)
    process.stdout.write('src/db/tables.ts written.\n')
  }
}
