import { afterAll, beforeAll, describe, expect } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { journey } from '../helpers/journey.ts'
import {
  aPractice,
  type Practice,
  proveEmail,
  register,
  signIn,
  stepUp,
  supportAgent,
} from '../helpers/people.ts'

let t: TestApp
let practice: Practice
let support: { authorization: string }

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t, 'medipath')
  support = await supportAgent(t)
})
afterAll(() => t.close())

describe('MyMedipath: a doctor registers, is checked by the desk, and manages her profile', () => {
  const { step } = journey()
  let accountId: string
  let session: { headers: { authorization: string } }

  step('she proves her address with the code mailed to her and registers with a password', async () => {
    const registered = await register(t, practice, {
      email: 'dr.claire.martin@example.org',
      firstName: 'Claire',
      lastName: 'Martin',
      extra: { phones: ['06 12 34 56 78'] },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    expect(registered.json().status).toBe('pending_validation')
    accountId = registered.json().id
    await t.deliverMail()
    expect(t.mail.to(t.app.deps.config.SUPPORT_EMAIL).at(-1)?.text).toContain(accountId)
  })

  step(
    'cannot sign in before the desk validates her; once validated, she signs in with the mailed code',
    async () => {
      const early = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'dr.claire.martin@example.org', password: 'Tournesol-vert-qui-chante-42' },
      })
      expect(early.statusCode).toBe(401)
      const pending = (
        await t.app.inject({ url: '/v1/admin/accounts?status=pending_validation', headers: support })
      ).json().items
      expect(pending.map((account: { id: string }) => account.id)).toContain(accountId)
      const validated = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/accounts/${accountId}/validation`,
        headers: support,
        payload: { decision: 'validate' },
      })
      expect(validated.json()).toEqual({ id: accountId, status: 'active' })
      await t.deliverMail()
      expect(t.mail.to('dr.claire.martin@example.org').at(-1)?.subject).toBe(
        'Sésame : votre compte est activé',
      )
      session = await signIn(t, 'dr.claire.martin@example.org')
      const me = (await t.app.inject({ url: '/v1/me', headers: session.headers })).json()
      expect(me).toMatchObject({
        firstName: 'Claire',
        phones: ['+33612345678'],
        profession: { code: '10', label: 'Médecin' },
      })
    },
  )

  step('she adds a second address, proven by code, and makes it her notification address', async () => {
    t.clock.advance(86_400_000)
    // A day later, a sensitive change: she confirms it is her first (password and a mailed code).
    const stale = await t.app.inject({
      method: 'POST',
      url: '/v1/me/emails',
      headers: session.headers,
      payload: { proof: 'x'.repeat(30) },
    })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('step_up_required')
    session.headers = await stepUp(t, session.headers, 'dr.claire.martin@example.org')
    const proof = await proveEmail(t, 'claire.perso@example.org', 'add_email')
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/me/emails',
      headers: session.headers,
      payload: { proof, notification: true },
    })
    expect(added.statusCode, added.body).toBe(201)
    const emails = (await t.app.inject({ url: '/v1/me/emails', headers: session.headers })).json().items
    expect(
      emails.map((e: { address: string; isLogin: boolean; isNotification: boolean }) => [
        e.address,
        e.isLogin,
        e.isNotification,
      ]),
    ).toEqual([
      ['dr.claire.martin@example.org', true, false],
      ['claire.perso@example.org', false, true],
    ])
    await t.deliverMail()
    expect(t.mail.to('dr.claire.martin@example.org').at(-1)?.subject).toBe(
      'Sésame : nouvelle adresse ajoutée',
    )
  })

  step('she switches notifications back, and can never delete her last address', async () => {
    const emails = (await t.app.inject({ url: '/v1/me/emails', headers: session.headers })).json().items
    const [work, personal] = emails
    const switched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/me/emails/${work.id}`,
      headers: session.headers,
      payload: { notification: true },
    })
    expect(switched.statusCode).toBe(200)
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/me/emails/${personal.id}`,
          headers: session.headers,
        })
      ).statusCode,
    ).toBe(204)
    const last = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/emails/${work.id}`,
      headers: session.headers,
    })
    expect(last.statusCode).toBe(409)
    expect(last.json().code).toBe('last_address')
  })

  step(
    'her change of name waits for the desk; the profile keeps the old name until it is approved',
    async () => {
      const asked = await t.app.inject({
        method: 'PATCH',
        url: '/v1/me',
        headers: session.headers,
        payload: { lastName: 'Martin-Dubois', phones: ['+33563000000'] },
      })
      expect(asked.statusCode, asked.body).toBe(202)
      const { changeRequestId, me } = asked.json()
      expect(me).toMatchObject({
        lastName: 'Martin',
        phones: ['+33563000000'],
        pendingChanges: [{ id: changeRequestId, changes: { lastName: 'Martin-Dubois' } }],
      })
      const queue = (await t.app.inject({ url: '/v1/admin/profile-changes', headers: support })).json().items
      expect(queue.map((change: { id: string }) => change.id)).toContain(changeRequestId)
      const decided = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/profile-changes/${changeRequestId}/decision`,
        headers: support,
        payload: { decision: 'approve' },
      })
      expect(decided.statusCode, decided.body).toBe(200)
      const after = (await t.app.inject({ url: '/v1/me', headers: session.headers })).json()
      expect(after).toMatchObject({ lastName: 'Martin-Dubois', pendingChanges: [] })
      await t.deliverMail()
      expect(t.mail.to('dr.claire.martin@example.org').at(-1)?.subject).toBe(
        'Sésame : votre demande de modification',
      )
    },
  )

  step('everything she did is in the audit trail, with the request ids', async () => {
    const events = (
      await t.app.inject({ url: `/v1/admin/audit-events?accountId=${accountId}&limit=100`, headers: support })
    ).json().items
    const actions = events.map((event: { action: string }) => event.action)
    for (const action of ['account.registered', 'account.validated', 'auth.signed_in'])
      expect(actions).toContain(action)
    expect(events.every((event: { requestId: string | null }) => event.requestId)).toBe(true)
  })
})
