import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MailboxAction, mayOnMailbox } from '../../src/mailboxes/policy.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, labToken, labWithClient } from '../helpers/auth.ts'
import { anActiveMailbox, join, MAILBOX_ENV, pharmacyForm } from '../helpers/mailboxes.ts'
import { supportAgent } from '../helpers/people.ts'

type Headers = Record<string, string>
type Person = Awaited<ReturnType<typeof anAccount>>
type Actor =
  | 'manager'
  | 'staleManager'
  | 'member'
  | 'outsider'
  | 'support'
  | 'lab'
  | 'mailboxToken'
  | 'anonymous'

let t: TestApp
let mailboxId: string
let labClient: { clientId: string; clientSecret: string }
const people: Record<string, Person> = {}
const headers = {} as Record<Actor, Headers>

/** The same person in the same session, with an authentication 20 minutes old. */
async function stale(person: Person) {
  const claims = JSON.parse(Buffer.from(person.headers.authorization.split('.')[1]!, 'base64url').toString())
  const { token } = await t.app.deps.tokens.issue({ ...claims, auth_time: claims.auth_time - 20 * 60 })
  return { authorization: `Bearer ${token}` }
}

beforeAll(async () => {
  t = await createTestApp({ env: MAILBOX_ENV })
  for (const name of ['manager', 'member', 'outsider'])
    people[name] = await anAccount(t.app, { profile: 'health_professional' })
  mailboxId = (await anActiveMailbox(t, people.manager!.headers)).id
  await join(t, mailboxId, people.manager!.headers, people.member!)
  const switched = await t.app.inject({
    method: 'POST',
    url: `/v1/mailboxes/${mailboxId}/session`,
    headers: people.member!.headers,
  })
  labClient = await labWithClient(t.app, 'lab-mailboxes')
  Object.assign(headers, {
    manager: people.manager!.headers,
    staleManager: await stale(people.manager!),
    member: people.member!.headers,
    outsider: people.outsider!.headers,
    support: await supportAgent(t),
    lab: await labToken(t.app, labClient),
    mailboxToken: { authorization: `Bearer ${switched.json().accessToken}` },
    anonymous: {},
  })
})
afterAll(() => t.close())

/** What each operation needs, made fresh each time so that every row of the table stands alone. */
const operations = {
  create: async () => ({ method: 'POST', url: '/v1/mailboxes', payload: await pharmacyForm(t) }),
  read: async () => ({ method: 'GET', url: `/v1/mailboxes/${mailboxId}` }),
  edit: async () => ({
    method: 'PATCH',
    url: `/v1/mailboxes/${mailboxId}`,
    payload: { description: 'Officine, Albi' },
  }),
  invite: async () => ({
    method: 'POST',
    url: `/v1/mailboxes/${mailboxId}/invitations`,
    payload: { email: 'nouvelle.collegue@example.org', role: 'member' },
  }),
  listMembers: async () => ({ method: 'GET', url: `/v1/mailboxes/${mailboxId}/members` }),
  setRole: async () => ({
    method: 'PATCH',
    url: `/v1/mailboxes/${mailboxId}/members/${people.member!.id}`,
    payload: { role: 'member' },
  }),
  removeAnother: async () => {
    const victim = await anAccount(t.app)
    await join(t, mailboxId, people.manager!.headers, victim)
    return { method: 'DELETE', url: `/v1/mailboxes/${mailboxId}/members/${victim.id}` }
  },
  switch: async () => ({ method: 'POST', url: `/v1/mailboxes/${mailboxId}/session` }),
  askToClose: async () => ({
    method: 'POST',
    url: `/v1/mailboxes/${mailboxId}/closure-request`,
    payload: {},
  }),
  mailboxSession: async () => ({ method: 'GET', url: '/v1/mailbox-session' }),
  directory: async () => ({ method: 'GET', url: '/v1/mailboxes/directory?q=pharmacie' }),
  supportQueue: async () => ({ method: 'GET', url: '/v1/admin/mailboxes' }),
  supportSuspend: async () => ({
    method: 'POST',
    url: `/v1/admin/mailboxes/${mailboxId}/suspension`,
    payload: { reason: 'Test' },
  }),
  supportExport: async () => ({ method: 'GET', url: '/v1/admin/mailboxes/export' }),
} satisfies Record<string, () => Promise<{ method: string; url: string; payload?: object }>>

describe('who may do what with a mailbox, through the API', () => {
  it.each([
    ['manager', 'create', 201],
    ['staleManager', 'create', 401],
    ['lab', 'create', 403],
    ['mailboxToken', 'create', 403],
    ['anonymous', 'create', 401],
    ['manager', 'read', 200],
    ['member', 'read', 200],
    ['support', 'read', 200],
    ['outsider', 'read', 403],
    ['lab', 'read', 403],
    ['mailboxToken', 'read', 403],
    ['anonymous', 'read', 401],
    ['manager', 'edit', 200],
    ['member', 'edit', 403],
    ['outsider', 'edit', 403],
    ['support', 'edit', 403],
    ['manager', 'invite', 202],
    ['staleManager', 'invite', 401],
    ['member', 'invite', 403],
    ['outsider', 'invite', 403],
    ['support', 'invite', 403],
    ['mailboxToken', 'invite', 403],
    ['manager', 'listMembers', 200],
    ['member', 'listMembers', 200],
    ['support', 'listMembers', 200],
    ['outsider', 'listMembers', 403],
    ['manager', 'setRole', 200],
    ['staleManager', 'setRole', 401],
    ['support', 'setRole', 200],
    ['member', 'setRole', 403],
    ['outsider', 'setRole', 403],
    ['manager', 'removeAnother', 204],
    ['staleManager', 'removeAnother', 401],
    ['support', 'removeAnother', 204],
    ['member', 'removeAnother', 403],
    ['outsider', 'removeAnother', 403],
    ['lab', 'removeAnother', 403],
    ['manager', 'switch', 200],
    ['member', 'switch', 200],
    ['outsider', 'switch', 403],
    ['support', 'switch', 403],
    ['mailboxToken', 'switch', 403],
    ['manager', 'askToClose', 200],
    ['member', 'askToClose', 403],
    ['outsider', 'askToClose', 403],
    ['mailboxToken', 'mailboxSession', 200],
    ['member', 'mailboxSession', 403],
    ['lab', 'mailboxSession', 403],
    ['anonymous', 'mailboxSession', 401],
    ['outsider', 'directory', 200],
    ['lab', 'directory', 403],
    ['mailboxToken', 'directory', 403],
    ['anonymous', 'directory', 401],
    ['support', 'supportQueue', 200],
    ['manager', 'supportQueue', 403],
    ['mailboxToken', 'supportQueue', 403],
    ['manager', 'supportSuspend', 403],
    ['mailboxToken', 'supportSuspend', 403],
    ['support', 'supportExport', 200],
    ['manager', 'supportExport', 403],
    ['lab', 'supportExport', 403],
  ] as const)('%s → %s: %i', async (actor, operation, status) => {
    const request: { method: string; url: string; payload?: object } = await operations[operation]()
    const response = await t.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: headers[actor],
      ...(request.payload && { payload: request.payload }),
    })
    expect(response.statusCode, response.body).toBe(status)
    if (status >= 400) expect(response.headers['content-type']).toContain('application/problem+json')
    if (actor === 'staleManager') expect(response.json().code).toBe('step_up_required')
  })
})

describe('a mailbox token outside the mailbox endpoints', () => {
  it('means nothing to a lab system that introspects it, while the member’s own token does', async () => {
    const introspect = async (headers: Headers) => {
      const basic = Buffer.from(`${labClient.clientId}:${labClient.clientSecret}`).toString('base64')
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/introspect',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${encodeURIComponent(headers.authorization!.replace(/^Bearer /, ''))}`,
      })
      return response.json()
    }
    expect(await introspect(headers.mailboxToken)).toEqual({ active: false })
    expect(await introspect(headers.member)).toMatchObject({ active: true, sub: people.member!.id })
  })
})

describe('the rule itself (policy.ts)', () => {
  const table: [MailboxAction, manager: boolean, member: boolean, support: boolean][] = [
    ['read', true, true, true],
    ['edit', true, false, false],
    ['invite', true, false, false],
    ['manage_members', true, false, true],
    ['leave', true, true, false],
    ['switch', true, true, false],
    ['request_closure', true, false, false],
  ]
  it.each(table)('%s: manager %s, member %s, support %s, nobody else', (action, manager, member, support) => {
    expect(mayOnMailbox(action, { role: 'manager', support: false })).toBe(manager)
    expect(mayOnMailbox(action, { role: 'member', support: false })).toBe(member)
    expect(mayOnMailbox(action, { role: null, support: true })).toBe(support)
    expect(mayOnMailbox(action, { role: null, support: false })).toBe(false)
  })
})
