import { createPublicKey } from 'node:crypto'
import { createVerifier } from 'fast-jwt'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { journey } from '../helpers/journey.ts'
import { MAILBOX_ENV, pharmacyForm } from '../helpers/mailboxes.ts'
import {
  aPractice,
  type Practice,
  register,
  signIn,
  stepUp,
  supportAgent,
  validateAccount,
} from '../helpers/people.ts'

/**
 * Medimail's manual, "Création d'une boîte organisationnelle", through the API: from her individual
 * account, Nadège types her password again and the code mailed to her, describes the pharmacy's shared
 * box; the support desk validates it (the MSSanté address is derived) and activates it; she adds a
 * colleague, who switches into the box; once removed, he no longer can.
 */
type Headers = { authorization: string }
let t: TestApp
let practice: Practice
let support: Headers

beforeAll(async () => {
  t = await createTestApp({ env: MAILBOX_ENV })
  practice = await aPractice(t)
  support = await supportAgent(t)
})
afterAll(() => t.close())

async function aPerson(email: string, firstName: string, lastName: string) {
  const registered = await register(t, practice, { email, firstName, lastName })
  expect(registered.statusCode, registered.body).toBe(201)
  await validateAccount(t, registered.json().id, support)
  return { id: registered.json().id as string, email, ...(await signIn(t, email)) }
}

const lastMail = (address: string) => t.mail.to(address).at(-1)

describe('Nadège creates the organisational mailbox of the Pharmacie du Centre in Albi', () => {
  const { step } = journey()
  let nadege: Awaited<ReturnType<typeof aPerson>>
  let fresh: Headers
  let mailboxId: string
  let colleague: Awaited<ReturnType<typeof aPerson>>
  let switchToken: string

  beforeAll(async () => {
    nadege = await aPerson('nadege.vives@example.org', 'Nadège', 'Vives')
    colleague = await aPerson('julien.roux@example.org', 'Julien', 'Roux')
  })

  step('her sign-in is older than 10 minutes: she must confirm it is her first', async () => {
    t.clock.advance(11 * 60_000)
    const stale = await t.app.inject({
      method: 'POST',
      url: '/v1/mailboxes',
      headers: nadege.headers,
      payload: await pharmacyForm(t),
    })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('step_up_required')
  })

  step('she types her password and the one-time code mailed to her, then describes the box', async () => {
    fresh = await stepUp(t, nadege.headers, nadege.email)
    expect(lastMail(nadege.email)?.subject).toMatch(/confirmez/i)
    const form = await pharmacyForm(t, {
      description: 'Pharmacie du Centre, place du Vigan, 81000 Albi',
      identifier: '810000018',
    })
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/mailboxes',
      headers: fresh,
      payload: form,
    })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({
      kind: 'ORG',
      status: 'pending_validation',
      mssanteAddress: null,
      name: 'Pharmacie du Centre',
      department: '81',
      region: { code: '76', name: 'Occitanie' },
      phones: ['+33563541234'],
      preferences: { paperless: true, listed: true },
      responsible: {
        firstName: 'Claire',
        lastName: 'Martin',
        profession: { code: '21', label: 'Pharmacien' },
      },
    })
    mailboxId = created.json().id
    const mine = await t.app.inject({ url: '/v1/me/mailboxes', headers: nadege.headers })
    expect(mine.json().items).toEqual([
      expect.objectContaining({ id: mailboxId, role: 'manager', status: 'pending_validation' }),
    ])
    await t.deliverMail()
    expect(lastMail(t.app.deps.config.SUPPORT_EMAIL)?.text).toContain(mailboxId)
  })

  step('the support desk finds it in its queue and validates it: the address is derived', async () => {
    const queue = await t.app.inject({
      url: '/v1/admin/mailboxes?status=pending_validation',
      headers: support,
    })
    expect(queue.json().items.map((item: { mailbox: { id: string } }) => item.mailbox.id)).toContain(
      mailboxId,
    )
    const validated = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/mailboxes/${mailboxId}/validation`,
      headers: support,
      payload: { decision: 'validate' },
    })
    expect(validated.statusCode, validated.body).toBe(200)
    expect(validated.json()).toEqual({
      id: mailboxId,
      status: 'validated',
      mssanteAddress: 'pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr',
    })
    await t.deliverMail()
    expect(lastMail(nadege.email)?.text).toContain('pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr')
  })

  step(
    'once the box exists on the mail platform, the desk activates it and Nadège is mailed its address',
    async () => {
      const activated = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/mailboxes/${mailboxId}/activation`,
        headers: support,
      })
      expect(activated.json().status).toBe('active')
      await t.deliverMail()
      const mail = lastMail(nadege.email)
      expect(mail?.subject).toMatch(/adresse MSSanté est prête/)
      expect(mail?.text).toContain('pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr')
      const found = await t.app.inject({
        url: '/v1/mailboxes/directory?q=pharm%20albi',
        headers: colleague.headers,
      })
      expect(found.json().items.map((item: { id: string }) => item.id)).toContain(mailboxId)
    },
  )

  step('she invites Julien; he accepts from the link mailed to him', async () => {
    const invited = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${mailboxId}/invitations`,
      headers: fresh,
      payload: { email: colleague.email, role: 'member' },
    })
    expect(invited.statusCode, invited.body).toBe(202)
    await t.deliverMail()
    const link = /https?:\/\/\S+\/mailbox-invitations\/([0-9a-f-]{36})/.exec(
      lastMail(colleague.email)?.text ?? '',
    )
    expect(link?.[1]).toBe(invited.json().id)
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/v1/me/mailbox-invitations/${link?.[1]}/accept`,
      headers: colleague.headers,
    })
    expect(accepted.statusCode, accepted.body).toBe(200)
    expect(accepted.json()).toMatchObject({ id: mailboxId, role: 'member', status: 'active' })
  })

  step('Julien switches into the box: the token verifies with the JWKS and says he acts for it', async () => {
    const switched = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${mailboxId}/session`,
      headers: colleague.headers,
    })
    expect(switched.statusCode, switched.body).toBe(200)
    expect(switched.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 })
    switchToken = switched.json().accessToken
    const { keys } = (await t.app.inject({ url: '/.well-known/jwks.json' })).json()
    const verify = createVerifier({
      key: async ({ header }: { header: Record<string, string> }) =>
        createPublicKey({ key: keys.find((key: { kid: string }) => key.kid === header.kid), format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString(),
      algorithms: ['ES256'],
      allowedAud: t.app.deps.config.TOKEN_AUDIENCE,
      allowedIss: 'sesame',
    })
    expect(await verify(switchToken)).toMatchObject({
      typ: 'mailbox',
      sub: mailboxId,
      mailbox_address: 'pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr',
      act: { sub: colleague.id },
    })
    const session = await t.app.inject({
      url: '/v1/mailbox-session',
      headers: { authorization: `Bearer ${switchToken}` },
    })
    expect(session.json()).toMatchObject({ mailbox: { id: mailboxId }, actorId: colleague.id })
  })

  step('the box’s token is for the box only, and his own token is how he switches back', async () => {
    const asBox = { authorization: `Bearer ${switchToken}` }
    expect((await t.app.inject({ url: '/v1/me', headers: asBox })).statusCode).toBe(403)
    expect((await t.app.inject({ url: '/v1/mailbox-session', headers: colleague.headers })).statusCode).toBe(
      403,
    )
    expect((await t.app.inject({ url: '/v1/me', headers: colleague.headers })).json().id).toBe(colleague.id)
  })

  step('Nadège removes Julien: his box token stops at once, and he can no longer switch', async () => {
    // Removing someone needs her recent step-up, not her sign-in of this morning.
    const removal = (headers: Record<string, string>) =>
      t.app.inject({ method: 'DELETE', url: `/v1/mailboxes/${mailboxId}/members/${colleague.id}`, headers })
    expect((await removal(nadege.headers)).json().code).toBe('step_up_required')
    const removed = await removal(fresh)
    expect(removed.statusCode, removed.body).toBe(204)
    const stale = await t.app.inject({
      url: '/v1/mailbox-session',
      headers: { authorization: `Bearer ${switchToken}` },
    })
    expect(stale.statusCode).toBe(401)
    const refused = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${mailboxId}/session`,
      headers: colleague.headers,
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('not_a_member')
  })

  step('the audit trail holds every step with who made it', async () => {
    const events = (
      await t.app.inject({ url: `/v1/admin/audit-events?accountId=${mailboxId}&limit=50`, headers: support })
    ).json().items as { action: string; actorId: string | null }[]
    const byAction = new Map(events.map((event) => [event.action, event.actorId]))
    expect(byAction.get('mailbox.created')).toBe(nadege.id)
    expect(byAction.get('mailbox.member_invited')).toBe(nadege.id)
    expect(byAction.get('mailbox.invitation_accepted')).toBe(colleague.id)
    expect(byAction.get('mailbox.switched')).toBe(colleague.id)
    expect(byAction.get('mailbox.member_removed')).toBe(nadege.id)
    expect(byAction.has('mailbox.validated')).toBe(true)
    expect(byAction.has('mailbox.activated')).toBe(true)
  })
})
