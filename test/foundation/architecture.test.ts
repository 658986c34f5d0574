import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const src = new URL('../../src/', import.meta.url).pathname
const filesOf = (area: string) =>
  readdirSync(join(src, area))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ path: `${area}/${name}`, text: readFileSync(join(src, area, name), 'utf8') }))
const matching = (files: { path: string; text: string }[], pattern: RegExp) =>
  files.filter((file) => pattern.test(file.text)).map((file) => file.path)

describe('the dependencies between areas point one way', () => {
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
