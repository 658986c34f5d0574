import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, bearerFor } from '../helpers/auth.ts'
import { anRpps } from '../helpers/builders.ts'
import {
  aPractice,
  type Practice,
  register,
  STRONG_PASSWORD,
  signIn,
  supportAgent,
} from '../helpers/people.ts'

type Headers = { authorization: string }
const PROVISIONAL_CODE = /\b([A-Z2-9]{5}-[A-Z2-9]{5})\b/

let t: TestApp
let practice: Practice
let support: Headers
beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t)
  support = await supportAgent(t)
})
afterAll(() => t.close())

/** Registers through the API; answers the new account's id (pending validation). */
async function pendingAccount(
  email: string,
  options: { password?: string | undefined; lastName?: string } = {},
) {
  const registered = await register(t, practice, { email, ...options })
  expect(registered.statusCode, registered.body).toBe(201)
  expect(registered.json().status).toBe('pending_validation')
  return registered.json().id as string
}

const decide = (id: string, payload: object, headers: Headers = support) =>
  t.app.inject({ method: 'POST', url: `/v1/admin/accounts/${id}/validation`, headers, payload })

async function activeAccount(email: string) {
  const id = await pendingAccount(email)
  expect((await decide(id, { decision: 'validate' })).statusCode).toBe(200)
  await t.deliverMail()
  return id
}

/** Everything mailed to this address so far, delivered through the real SMTP sink. */
async function inbox(address: string) {
  await t.deliverMail()
  return t.mail.to(address)
}

const auditOf = async (accountId: string, headers: Headers = support) => {
  const response = await t.app.inject({ url: `/v1/admin/audit-events?accountId=${accountId}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json().items as { action: string; actorId: string; reason: string | null }[]
}

describe('provisional codes', () => {
  const activate = (email: string, provisionalCode: string, ip: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/auth/activation',
      payload: { email, provisionalCode, password: STRONG_PASSWORD, passwordConfirmation: STRONG_PASSWORD },
      remoteAddress: ip,
    })

  it('are not burnt by strangers’ wrong guesses from many addresses', async () => {
    const email = 'guettee@example.org'
    const id = await pendingAccount(email, { password: undefined, lastName: 'Guet' })
    expect((await decide(id, { decision: 'validate' })).statusCode).toBe(200)
    const code = PROVISIONAL_CODE.exec((await inbox(email)).at(-1)?.text ?? '')?.[1] ?? ''
    for (let client = 0; client < 25; client++)
      for (let i = 0; i < 5; i++)
        expect((await activate(email, 'AAAAA-AAAAA', `192.0.2.${client}`)).statusCode).toBe(401)
    // The sixth try from one client waits; the owner, from elsewhere, is not held.
    expect((await activate(email, code, '192.0.2.0')).statusCode).toBe(429)
    expect((await activate(email, code, '198.51.100.40')).statusCode).toBe(204)
  })

  it('die when a password is set some other way', async () => {
    const email = 'reinitialisee@example.org'
    const id = await pendingAccount(email, { password: undefined, lastName: 'Reset' })
    expect((await decide(id, { decision: 'validate' })).statusCode).toBe(200)
    const code = PROVISIONAL_CODE.exec((await inbox(email)).at(-1)?.text ?? '')?.[1] ?? ''
    await t.app.inject({ method: 'POST', url: '/v1/auth/password-resets', payload: { email } })
    await t.deliverMail()
    const token = /token=([A-Za-z0-9_-]+)/.exec(t.mail.to(email).at(-1)?.text ?? '')?.[1]
    const next = 'Un-mot-de-passe-par-le-lien-44'
    const reset = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-resets/confirm',
      payload: { token, password: next, passwordConfirmation: next },
    })
    expect(reset.statusCode, reset.body).toBe(204)
    expect((await activate(email, code, '198.51.100.41')).statusCode).toBe(401)
  })
})

describe('the support desk validates registrations', () => {
  it('a professional registered without a password is validated, mailed a provisional code, activates and signs in', async () => {
    const email = 'helene.durand@example.org'
    const id = await pendingAccount(email, { password: undefined, lastName: 'Durand' })

    const queue = await t.app.inject({
      url: '/v1/admin/accounts?status=pending_validation',
      headers: support,
    })
    expect(queue.statusCode, queue.body).toBe(200)
    expect(queue.json().items).toContainEqual(
      expect.objectContaining({ id, status: 'pending_validation', lastName: 'Durand', loginEmail: email }),
    )
    const account = await t.app.inject({ url: `/v1/admin/accounts/${id}`, headers: support })
    expect(account.statusCode, account.body).toBe(200)
    expect(account.json()).toMatchObject({
      id,
      status: 'pending_validation',
      statusReason: null,
      accessRequests: [],
    })

    const validated = await decide(id, { decision: 'validate' })
    expect(validated.statusCode, validated.body).toBe(200)
    expect(validated.json()).toEqual({ id, status: 'active' })

    const mail = (await inbox(email)).at(-1)
    const code = PROVISIONAL_CODE.exec(mail?.text ?? '')?.[1]
    expect(code, mail?.text).toBeDefined()
    const queued = await t.app.deps.db
      .selectFrom('outbox')
      .select('payload')
      .where('recipient', '=', email)
      .where('template', '=', 'account.validated')
      .executeTakeFirstOrThrow()
    expect(queued.payload).toEqual({ firstName: 'Claire', withCode: true })

    const activation = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/activation',
      payload: {
        email,
        provisionalCode: code,
        password: STRONG_PASSWORD,
        passwordConfirmation: STRONG_PASSWORD,
      },
    })
    expect(activation.statusCode, activation.body).toBe(204)
    expect((await inbox(email)).at(-1)?.subject).toContain('mot de passe modifié')
    const session = await signIn(t, email)
    const me = await t.app.inject({ url: '/v1/me', headers: session.headers })
    expect(me.json()).toMatchObject({ id, status: 'active' })
  })

  it('a professional who chose a password is simply told they can sign in', async () => {
    const email = 'marc.leroy@example.org'
    await activeAccount(email)
    const mail = (await inbox(email)).at(-1)
    expect(mail?.text).toContain('vous pouvez vous connecter')
    expect(mail?.text).not.toMatch(PROVISIONAL_CODE)
    await signIn(t, email)
  })

  it('a rejection needs a reason, which is mailed and kept; the person cannot sign in', async () => {
    const email = 'remi.faure@example.org'
    const id = await pendingAccount(email)
    const withoutReason = await decide(id, { decision: 'reject' })
    expect(withoutReason.statusCode).toBe(400)
    expect(withoutReason.json()).toMatchObject({ code: 'reason_required', errors: [{ field: 'reason' }] })

    const rejected = await decide(id, { decision: 'reject', reason: 'RPPS sans rapport avec le cabinet' })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json()).toEqual({ id, status: 'rejected' })
    const mail = (await inbox(email)).at(-1)
    expect(mail?.text).toContain('Motif :\n> RPPS sans rapport avec le cabinet')
    const account = await t.app.inject({ url: `/v1/admin/accounts/${id}`, headers: support })
    expect(account.json()).toMatchObject({
      status: 'rejected',
      statusReason: 'RPPS sans rapport avec le cabinet',
    })
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: STRONG_PASSWORD },
    })
    expect(login.statusCode).toBe(401)
  })

  it('validating an account twice is a conflict naming its status', async () => {
    const id = await activeAccount('nina.garnier@example.org')
    const again = await decide(id, { decision: 'validate' })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('invalid_status')
    expect(again.json().detail).toContain('active')
    const unknown = await decide(randomUUID(), { decision: 'validate' })
    expect(unknown.statusCode).toBe(404)
  })

  it('two agents validating at once record exactly one decision', async () => {
    const email = 'paul.robin@example.org'
    const id = await pendingAccount(email, { password: undefined })
    const [first, second] = await Promise.all([
      decide(id, { decision: 'validate' }, support),
      decide(id, { decision: 'validate' }, await supportAgent(t)),
    ])
    expect([first?.statusCode, second?.statusCode].sort()).toEqual([200, 409])
    expect((await auditOf(id)).filter((event) => event.action === 'account.validated')).toHaveLength(1)
    expect((await inbox(email)).filter((mail) => PROVISIONAL_CODE.test(mail.text ?? ''))).toHaveLength(1)
  })
})

describe('the support desk lists accounts', () => {
  it('newest first, a page at a time, searching names, login addresses and RPPS', async () => {
    const people = []
    for (const n of [1, 2, 3]) {
      t.clock.advance(1000)
      people.push(
        await anAccount(t.app, { profile: 'health_professional', email: `p${n}@listing.example.org` }),
      )
    }
    const first = await t.app.inject({
      url: '/v1/admin/accounts?q=listing.example&limit=2',
      headers: support,
    })
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json().items.map((item: { id: string }) => item.id)).toEqual([people[2]?.id, people[1]?.id])
    const cursor = first.json().nextCursor
    const second = await t.app.inject({
      url: `/v1/admin/accounts?q=listing.example&limit=2&cursor=${cursor}`,
      headers: support,
    })
    expect(second.json()).toEqual({
      items: [expect.objectContaining({ id: people[0]?.id })],
      nextCursor: null,
    })

    const rpps = await t.app.deps.db
      .selectFrom('accounts')
      .select(['rpps', 'last_name'])
      .where('id', '=', people[1]!.id)
      .executeTakeFirstOrThrow()
    for (const q of [rpps.rpps!, rpps.last_name.toUpperCase(), `test ${rpps.last_name}`, 'P2@LISTING']) {
      const found = await t.app.inject({
        url: `/v1/admin/accounts?q=${encodeURIComponent(q)}`,
        headers: support,
      })
      expect(
        found.json().items.map((item: { id: string }) => item.id),
        q,
      ).toEqual([people[1]?.id])
    }
    const tampered = await t.app.inject({ url: '/v1/admin/accounts?cursor=WzEsMl0', headers: support })
    expect(tampered.statusCode).toBe(400)
  })
})

describe('suspension', () => {
  it('ends the person’s sessions at once; lifting it lets them sign in again', async () => {
    const email = 'lea.morel@example.org'
    const id = await activeAccount(email)
    const before = await signIn(t, email)
    expect((await t.app.inject({ url: '/v1/me', headers: before.headers })).statusCode).toBe(200)

    const suspend = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/admin/accounts/${id}/suspension`,
        headers: support,
        payload: { reason: 'Cabinet fermé' },
      })
    const suspended = await suspend()
    expect(suspended.statusCode, suspended.body).toBe(200)
    expect(suspended.json()).toEqual({ id, status: 'suspended' })
    expect((await t.app.inject({ url: '/v1/me', headers: before.headers })).statusCode).toBe(401)
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: before.refreshToken },
    })
    expect(refresh.statusCode).toBe(401)
    expect((await suspend()).statusCode).toBe(409)

    const lift = () =>
      t.app.inject({
        method: 'DELETE',
        url: `/v1/admin/accounts/${id}/suspension?reason=${encodeURIComponent('Cabinet rouvert')}`,
        headers: support,
      })
    const lifted = await lift()
    expect(lifted.statusCode, lifted.body).toBe(200)
    expect(lifted.json()).toEqual({ id, status: 'active' })
    expect((await t.app.inject({ url: '/v1/me', headers: before.headers })).statusCode).toBe(401)
    const after = await signIn(t, email)
    expect((await t.app.inject({ url: '/v1/me', headers: after.headers })).statusCode).toBe(200)
    expect((await lift()).statusCode).toBe(409)
    const decisions = (await auditOf(id)).filter((event) => event.action.startsWith('account.suspen'))
    expect(decisions).toMatchObject([
      { action: 'account.suspension_lifted', reason: 'Cabinet rouvert' },
      { action: 'account.suspended', reason: 'Cabinet fermé' },
    ])
  })

  it('an agent cannot suspend their own account', async () => {
    const agent = await anAccount(t.app, { roles: ['support'] })
    const own = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${agent.id}/suspension`,
      headers: agent.headers,
      payload: { reason: 'Par erreur' },
    })
    expect(own.statusCode).toBe(409)
    expect(own.json().code).toBe('own_account')
  })
})

describe('identity changes', () => {
  async function pendingChange(changes: Record<string, string>) {
    const person = await anAccount(t.app, { profile: 'health_professional' })
    const request = await t.app.deps.db
      .insertInto('profile_change_requests')
      .values({
        account_id: person.id,
        changes: JSON.stringify(changes),
        status: 'pending',
        created_at: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { person, requestId: request.id }
  }
  const decideChange = (id: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/admin/profile-changes/${id}/decision`,
      headers: support,
      payload,
    })
  const accountOf = async (id: string) =>
    (await t.app.inject({ url: `/v1/admin/accounts/${id}`, headers: support })).json()

  it('approving applies the requested values and tells the person', async () => {
    const rpps = anRpps()
    const { person, requestId } = await pendingChange({
      civility: 'M',
      firstName: 'Jean',
      lastName: 'Dupuis',
      rpps,
    })
    const queue = await t.app.inject({ url: '/v1/admin/profile-changes', headers: support })
    expect(queue.statusCode, queue.body).toBe(200)
    expect(queue.json().items).toContainEqual(
      expect.objectContaining({ id: requestId, accountId: person.id, status: 'pending', decidedAt: null }),
    )

    const approved = await decideChange(requestId, { decision: 'approve' })
    expect(approved.statusCode, approved.body).toBe(200)
    expect(approved.json()).toMatchObject({
      id: requestId,
      status: 'approved',
      firstName: 'Jean',
      lastName: 'Dupuis',
    })
    expect(await accountOf(person.id)).toMatchObject({
      civility: 'M',
      firstName: 'Jean',
      lastName: 'Dupuis',
      rpps,
      pendingChanges: [],
    })
    expect((await inbox(person.email)).at(-1)?.text).toContain('a été acceptée')
    expect((await decideChange(requestId, { decision: 'reject' })).statusCode).toBe(409)
    const decided = await t.app.inject({ url: '/v1/admin/profile-changes?status=approved', headers: support })
    expect(decided.json().items.map((item: { id: string }) => item.id)).toContain(requestId)
  })

  it('rejecting keeps the old values and mails the reason', async () => {
    const { person, requestId } = await pendingChange({ lastName: 'Autrenom' })
    const before = await accountOf(person.id)
    const rejected = await decideChange(requestId, { decision: 'reject', reason: 'Justificatif illisible' })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'Justificatif illisible' })
    expect((await accountOf(person.id)).lastName).toBe(before.lastName)
    expect((await inbox(person.email)).at(-1)?.text).toContain('Motif :\n> Justificatif illisible')
  })

  it('an RPPS another account carries is refused, and the request stays pending', async () => {
    const other = await anAccount(t.app, { profile: 'health_professional', rpps: anRpps() })
    const taken = await t.app.deps.db
      .selectFrom('accounts')
      .select('rpps')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow()
    const { requestId } = await pendingChange({ rpps: taken.rpps! })
    const refused = await decideChange(requestId, { decision: 'approve' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('rpps_taken')
    const queue = await t.app.inject({ url: '/v1/admin/profile-changes?status=pending', headers: support })
    expect(queue.json().items.map((item: { id: string }) => item.id)).toContain(requestId)
  })
})

describe('the audit trail', () => {
  it('shows what was done to an account, newest first, with the agent as actor', async () => {
    const agent = await anAccount(t.app, { roles: ['support'] })
    const id = await pendingAccount('ines.bernard@example.org')
    const validated = await decide(
      id,
      { decision: 'validate', reason: 'Vérifié par téléphone' },
      agent.headers,
    )
    expect(validated.statusCode).toBe(200)

    const page = await t.app.inject({
      url: `/v1/admin/audit-events?accountId=${id}&limit=1`,
      headers: support,
    })
    expect(page.statusCode, page.body).toBe(200)
    expect(page.json().items).toEqual([
      expect.objectContaining({
        action: 'account.validated',
        actorType: 'person',
        actorId: agent.id,
        subjectType: 'account',
        subjectId: id,
        reason: 'Vérifié par téléphone',
        requestId: validated.headers['x-request-id'],
        details: expect.objectContaining({ from: 'pending_validation', to: 'active' }),
      }),
    ])
    const next = await t.app.inject({
      url: `/v1/admin/audit-events?accountId=${id}&cursor=${page.json().nextCursor}`,
      headers: support,
    })
    expect(next.json().items.map((event: { action: string }) => event.action)).toContain('account.registered')
    expect(next.json().items.every((event: { subjectId: string }) => event.subjectId === id)).toBe(true)

    const byAgent = await t.app.inject({
      url: `/v1/admin/audit-events?actorId=${agent.id}`,
      headers: support,
    })
    expect(byAgent.json().items).toEqual([
      expect.objectContaining({ action: 'account.validated', subjectId: id }),
    ])
  })

  it('cannot be rewritten or erased', async () => {
    await expect(
      t.app.deps.db.updateTable('audit_events').set({ reason: 'rewritten' }).where('id', '>', 0).execute(),
    ).rejects.toThrow(/append-only/)
    await expect(t.app.deps.db.deleteFrom('audit_events').where('id', '>', 0).execute()).rejects.toThrow(
      /append-only/,
    )
  })
})

describe('portal applications', () => {
  it('support creates an application, then updates it', async () => {
    const put = (payload: object, id = 'resultats') =>
      t.app.inject({ method: 'PUT', url: `/v1/admin/applications/${id}`, headers: support, payload })
    const created = await put({
      name: 'Résultats',
      url: 'https://resultats.example.org',
      description: 'Vos résultats',
      active: true,
    })
    expect(created.statusCode, created.body).toBe(200)
    expect(created.json()).toMatchObject({ id: 'resultats', name: 'Résultats', description: 'Vos résultats' })
    const updated = await put({
      name: 'Résultats patients',
      url: 'https://resultats.example.org',
      active: false,
    })
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json()).toMatchObject({ name: 'Résultats patients', description: null, active: false })
    expect(
      (await put({ name: 'X', url: 'https://x.example.org', active: true }, 'Not_An_Id')).statusCode,
    ).toBe(400)
    expect((await put({ name: 'X', url: 'javascript:alert(1)', active: true }, 'xx')).statusCode).toBe(400)
  })
})

describe('who may not use the support desk', () => {
  const someId = randomUUID()
  const endpoints: [string, string, object?][] = [
    ['GET', '/v1/admin/accounts'],
    ['GET', `/v1/admin/accounts/${someId}`],
    ['POST', `/v1/admin/accounts/${someId}/validation`, { decision: 'validate' }],
    ['POST', `/v1/admin/accounts/${someId}/suspension`, { reason: 'Essai' }],
    ['DELETE', `/v1/admin/accounts/${someId}/suspension`],
    ['GET', '/v1/admin/profile-changes'],
    ['POST', `/v1/admin/profile-changes/${someId}/decision`, { decision: 'approve' }],
    ['GET', '/v1/admin/audit-events'],
    ['PUT', '/v1/admin/applications/resultats', { name: 'X', url: 'https://x.example.org', active: true }],
  ]
  let collaborator: Headers
  let professional: Headers
  beforeAll(async () => {
    collaborator = await bearerFor(t.app, [], { profile: 'collaborator' })
    professional = await bearerFor(t.app, [], { profile: 'health_professional' })
  })

  it.each(endpoints)(
    '%s %s: 403 for a collaborator or a professional, 401 without a token',
    async (method, url, payload) => {
      const call = (headers: Record<string, string>) =>
        t.app.inject({ method: method as 'GET', url, headers, ...(payload && { payload }) })
      expect((await call(collaborator)).statusCode).toBe(403)
      expect((await call(professional)).statusCode).toBe(403)
      expect((await call({})).statusCode).toBe(401)
    },
  )
})
