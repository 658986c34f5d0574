import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { anActiveMailbox, createMailbox, join, MAILBOX_ENV, pharmacyForm } from '../helpers/mailboxes.ts'

type Person = Awaited<ReturnType<typeof anAccount>>
let t: TestApp
let manager: Person
let mailboxId: string

beforeAll(async () => {
  t = await createTestApp({ env: MAILBOX_ENV })
  manager = await anAccount(t.app, { profile: 'health_professional' })
  mailboxId = (await anActiveMailbox(t, manager.headers)).id
})
afterAll(() => t.close())

const invite = (email: string, role = 'member', id = mailboxId, headers = manager.headers) =>
  t.app.inject({ method: 'POST', url: `/v1/mailboxes/${id}/invitations`, headers, payload: { email, role } })
const accept = (invitationId: string, person: Person) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/me/mailbox-invitations/${invitationId}/accept`,
    headers: person.headers,
  })
const members = async () =>
  (await t.app.inject({ url: `/v1/mailboxes/${mailboxId}/members`, headers: manager.headers })).json()
    .items as {
    accountId: string
    role: string
  }[]

/** The same person in the same session, as after a step-up: a token whose authentication is now. */
async function freshHeaders(person: Person) {
  const claims = JSON.parse(Buffer.from(person.headers.authorization.split('.')[1]!, 'base64url').toString())
  const { token } = await t.app.deps.tokens.issue({
    ...claims,
    auth_time: Math.floor(t.clock.now().getTime() / 1000),
  })
  return { authorization: `Bearer ${token}` }
}

describe('invitations tell nothing of who has an account', () => {
  it('an address with an account and one without get the same answer, and each an email', async () => {
    const known = await anAccount(t.app)
    const answers = [await invite(known.email), await invite('personne.inconnue@example.org')]
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202])
    expect(answers.map((answer) => Object.keys(answer.json()).sort())).toEqual([
      ['expiresAt', 'id'],
      ['expiresAt', 'id'],
    ])
    await t.deliverMail()
    for (const address of [known.email, 'personne.inconnue@example.org'])
      expect(t.mail.to(address).at(-1)?.text).toMatch(/mailbox-invitations\/[0-9a-f-]{36}/)
  })

  it('refuses bad addresses and roles, and text with control characters (400)', async () => {
    for (const [email, role] of [
      ['pas une adresse', 'member'],
      ['a\u0000b@example.org', 'member'],
      ['ok@example.org', 'owner'],
    ])
      expect((await invite(email!, role)).statusCode).toBe(400)
  })

  it('a PER box takes no member; a box not yet validated takes none yet', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    const per = await createMailbox(t, doctor.headers, { kind: 'PER', region: '76' })
    const refused = await invite('x@example.org', 'member', per.json().id, doctor.headers)
    expect(refused.json().code).toBe('personal_mailbox')
    const pending = await createMailbox(t, manager.headers, await pharmacyForm(t))
    expect((await invite('x@example.org', 'member', pending.json().id)).json().code).toBe('mailbox_not_open')
  })
})

describe('accepting an invitation', () => {
  it('only the holder of the invited address may; once', async () => {
    const invitee = await anAccount(t.app)
    const stranger = await anAccount(t.app)
    const invitationId = (await invite(invitee.email)).json().id
    const mine = await t.app.inject({ url: '/v1/me/mailbox-invitations', headers: invitee.headers })
    expect(mine.json().items).toEqual([expect.objectContaining({ id: invitationId, role: 'member' })])
    expect((await accept(invitationId, stranger)).statusCode).toBe(404)
    expect((await accept(invitationId, invitee)).statusCode).toBe(200)
    expect((await accept(invitationId, invitee)).statusCode).toBe(404)
    expect((await members()).map((member) => member.accountId)).toContain(invitee.id)
  })

  it('an invitation to an address already in the box is a conflict; an expired one is gone', async () => {
    const member = await anAccount(t.app)
    await join(t, mailboxId, manager.headers, member)
    const again = (await invite(member.email)).json().id
    expect((await accept(again, member)).json().code).toBe('already_member')
    const late = await anAccount(t.app)
    const expiring = (await invite(late.email)).json().id
    t.clock.advance(15 * 86_400_000)
    expect((await accept(expiring, late)).statusCode).toBe(404)
  })

  it('any address of the invitee will do, case aside', async () => {
    const invitee = await anAccount(t.app)
    const other = `Autre.${invitee.id}@Example.org`
    await t.app.deps.db
      .insertInto('account_emails')
      .values({
        account_id: invitee.id,
        address: other,
        address_key: other.toLowerCase(),
        is_login: false,
        is_notification: false,
        verified_at: t.clock.now(),
        created_at: t.clock.now(),
      })
      .execute()
    // The manager's authentication is days old by now: as after a step-up, a token of now.
    manager = { ...manager, headers: await freshHeaders(manager) }
    const invitationId = (await invite(other.toUpperCase())).json().id
    expect((await accept(invitationId, invitee)).json()).toMatchObject({ id: mailboxId, role: 'member' })
  })
})

describe('roles and removals', () => {
  it('the last manager can neither be demoted nor leave; once another is named, they may', async () => {
    const last = manager
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${mailboxId}/members/${last.id}`,
      headers: last.headers,
      payload: { role: 'member' },
    })
    expect(demote.json().code).toBe('last_manager')
    const leave = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${last.id}`,
      headers: last.headers,
    })
    expect(leave.json().code).toBe('last_manager')
    const deputy = await anAccount(t.app)
    await join(t, mailboxId, last.headers, deputy)
    const promoted = await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${mailboxId}/members/${deputy.id}`,
      headers: last.headers,
      payload: { role: 'manager' },
    })
    expect(promoted.json().items).toContainEqual(
      expect.objectContaining({ accountId: deputy.id, role: 'manager' }),
    )
    const left = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${last.id}`,
      headers: last.headers,
    })
    expect(left.statusCode).toBe(204)
    expect(
      (await t.app.inject({ url: `/v1/mailboxes/${mailboxId}`, headers: last.headers })).statusCode,
    ).toBe(403)
    manager = deputy
  })

  it('with an old authentication, a manager may neither change a role nor remove anyone; a member still leaves', async () => {
    const member = await anAccount(t.app)
    await join(t, mailboxId, manager.headers, member)
    t.clock.advance(11 * 60_000)
    const setRole = await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${mailboxId}/members/${member.id}`,
      headers: manager.headers,
      payload: { role: 'manager' },
    })
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${member.id}`,
      headers: manager.headers,
    })
    for (const refused of [setRole, remove]) {
      expect(refused.statusCode).toBe(401)
      expect(refused.json().code).toBe('step_up_required')
    }
    expect(await members()).toContainEqual(expect.objectContaining({ accountId: member.id, role: 'member' }))
    const left = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${member.id}`,
      headers: member.headers,
    })
    expect(left.statusCode).toBe(204)
    manager = { ...manager, headers: await freshHeaders(manager) }
  })

  it('a member leaves on their own; removing someone who is not a member is a 404', async () => {
    const member = await anAccount(t.app)
    await join(t, mailboxId, manager.headers, member)
    const left = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${member.id}`,
      headers: member.headers,
    })
    expect(left.statusCode).toBe(204)
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/mailboxes/${mailboxId}/members/${member.id}`,
      headers: manager.headers,
    })
    expect(again.statusCode).toBe(404)
    const mine = await t.app.inject({ url: '/v1/me/mailboxes', headers: member.headers })
    expect(mine.json().items).toEqual([])
  })
})
