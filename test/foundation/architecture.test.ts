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

describe('the dependencies between areas point one way', () => {
  it('deps.ts reaches no area, not even through a type: each area adds its emails to the catalogue', () => {
    const reached = [...importClosure('deps.ts')]
    expect(reached).toContain('notifications/catalog.ts')
    expect(reached.filter((file) => AREAS.includes(file.split('/')[0] ?? ''))).toEqual([])
  })

  it('accounts never imports access: lab events go through lab-events/publish.ts', () => {
    expect(matching(filesOf('accounts'), /from '\.\.\/access\//)).toEqual([])
    expect(matching(filesOf('lab-events'), /from '\.\.\/(access|accounts)\//)).toEqual([])
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
