import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const src = new URL('../../src/', import.meta.url).pathname
const filesOf = (area: string) =>
  readdirSync(join(src, area))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ path: `${area}/${name}`, text: readFileSync(join(src, area, name), 'utf8') }))
const matching = (files: { path: string; text: string }[], pattern: RegExp) =>
  files.filter((file) => pattern.test(file.text)).map((file) => file.path)

const AREAS = [
  'accounts',
  'access',
  'labs',
  'lab-events',
  'memberships',
  'mailboxes',
  'structures',
  'directory',
  'identifiers',
]

/** Every file `file` imports, itself included, following relative imports (type imports too). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  for (const [, target] of readFileSync(join(src, file), 'utf8').matchAll(/(?:from|import) '(\.[^']+)'/g))
    importClosure(relative(src, join(src, dirname(file), target ?? '')), seen)
  return seen
}

/** The folders each folder of src/ imports (type imports too), itself left out. */
function folderImports(): Map<string, Set<string>> {
  const folders = readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
  return new Map(
    folders.map((folder) => {
      const targets = filesOf(folder).flatMap((file) =>
        [...file.text.matchAll(/(?:from|import) '\.\.\/([\w-]+)\//g)].map((match) => match[1] ?? ''),
      )
      return [folder, new Set(targets.filter((target) => target !== folder))]
    }),
  )
}

/** Each import cycle between folders, as its folders sorted and joined by ' <-> ', once. */
function folderCycles(graph: Map<string, Set<string>>): string[] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true
    if (seen.has(from)) return false
    seen.add(from)
    return [...(graph.get(from) ?? [])].some((next) => reaches(next, to, seen))
  }
  // Two folders are on one cycle when each reaches the other: group them, each group once.
  const groups = new Set<string>()
  for (const folder of graph.keys()) {
    const together = [...graph.keys()].filter((other) => reaches(folder, other) && reaches(other, folder))
    if (together.length > 1) groups.add(together.sort().join(' <-> '))
  }
  return [...groups].sort()
}

describe('the dependencies between areas point one way', () => {
  it('no folder imports a folder that imports it back, however far round', () => {
    expect(folderCycles(folderImports())).toEqual([])
  })

  it('sees a cycle between folders, however far round', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ])
    expect(folderCycles(graph)).toEqual(['a <-> b <-> c'])
  })

  it('deps.ts reaches no area, not even through a type: each area adds its emails to the catalogue', () => {
    const reached = [...importClosure('deps.ts')]
    expect(reached).toContain('notifications/catalog.ts')
    expect(reached.filter((file) => AREAS.includes(file.split('/')[0] ?? ''))).toEqual([])
  })

  it('accounts never imports access, and lab-events neither of them: the app hands them the lab events publisher', () => {
    expect(matching(filesOf('accounts'), /from '\.\.\/access\//)).toEqual([])
    expect(matching(filesOf('lab-events'), /from '\.\.\/(access|accounts)\//)).toEqual([])
  })

  it('memberships, below the areas that use it, imports only db/ and shared/', () => {
    expect(matching(filesOf('memberships'), /from '\.\.\/(?!db\/|shared\/)/)).toEqual([])
  })

  it('only accounts creates or changes accounts and their addresses', () => {
    const others = ['access', 'lab-events'].flatMap(filesOf)
    expect(matching(others, /(insertInto|updateTable|deleteFrom)\('(accounts|account_emails)'\)/)).toEqual([])
  })

  it('the routes of access and of the lab feed are a schema and a call: no SQL in them', () => {
    const routes = ['access', 'lab-events'].flatMap(filesOf).filter((file) => file.path.includes('routes'))
    expect(routes.length).toBeGreaterThan(0)
    expect(matching(routes, /selectFrom|insertInto|updateTable|deleteFrom|sql`/)).toEqual([])
  })
})

/** Each area's tables: the area whose functions write them. Infrastructure tables (outbox, audit, sessions…) are no area's. */
const OWNER: Record<string, string> = {
  ...Object.fromEntries(
    [
      'accounts',
      'account_emails',
      'account_secrets',
      'application_identities',
      'applications',
      'email_proofs',
      'login_challenges',
      'profile_change_requests',
      'psc_registration_tokens',
    ].map((table) => [table, 'accounts']),
  ),
  ...Object.fromEntries(
    ['delegations', 'mandates', 'account_requests', 'lab_registrations'].map((table) => [table, 'access']),
  ),
  ...Object.fromEntries(
    ['practice_places', 'rights', 'access_requests'].map((table) => [table, 'memberships']),
  ),
  ...Object.fromEntries(
    ['labs', 'lab_centers', 'lab_clients', 'correspondent_codes', 'idempotency_keys'].map((table) => [
      table,
      'labs',
    ]),
  ),
  lab_events: 'lab-events',
  structures: 'structures',
  ...Object.fromEntries(
    [
      'directory_activities',
      'directory_establishment_words',
      'directory_establishments',
      'directory_imports',
      'directory_person_words',
      'directory_persons',
    ].map((table) => [table, 'directory']),
  ),
  ...Object.fromEntries(
    [
      'mailboxes',
      'mailbox_members',
      'mailbox_invitations',
      'mssante_addresses',
      'mailbox_directory_words',
      'mailbox_directory_vocabulary',
    ].map((table) => [table, 'mailboxes']),
  ),
}

/**
 * Files that would still name another area's tables, and which: none. A file may not be added here: an
 * area reaches another's tables through that area's functions and fragments.
 */
const NOT_YET_MOVED: Record<string, string[]> = {}

const tables = Object.keys(OWNER)
  .sort((a, b) => b.length - a.length)
  .join('|')
const inKysely = new RegExp(
  `(?:selectFrom|innerJoin|leftJoin|insertInto|updateTable|deleteFrom)\\('(${tables})(?: as \\w+)?'`,
  'g',
)
const inSqlText = new RegExp(`\\b(?:from|join|into|update)\\s+(${tables})\\b(?!\\.ts|/)`, 'g')
/** The tables of other areas a file names in SQL, Kysely's or text. */
const othersTables = (file: { path: string; text: string }) => {
  const area = file.path.split('/')[0]
  const named = [...file.text.matchAll(inKysely), ...file.text.matchAll(inSqlText)].map(
    (match) => match[1] ?? '',
  )
  return [...new Set(named.filter((table) => OWNER[table] !== area))].sort()
}

describe("another area's tables are reached only through that area's exported functions", () => {
  it.each(AREAS)('%s names no table of another area in its SQL', (area) => {
    const found = Object.fromEntries(
      filesOf(area)
        .map((file) => [file.path, othersTables(file)] as const)
        .filter(([, named]) => named.length > 0),
    )
    const allowed = Object.fromEntries(
      Object.entries(NOT_YET_MOVED).filter(([path]) => path.startsWith(`${area}/`)),
    )
    expect(found).toEqual(allowed)
  })

  it('sees a table of another area where one is named', () => {
    const text = "db.selectFrom('accounts as a') … sql`select 1 from structures s join lab_centers c on …`"
    expect(othersTables({ path: 'access/example.ts', text })).toEqual([
      'accounts',
      'lab_centers',
      'structures',
    ])
    expect(othersTables({ path: 'structures/example.ts', text: 'select id from structures' })).toEqual([])
  })
})
