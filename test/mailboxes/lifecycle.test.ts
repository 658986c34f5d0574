import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount } from '../helpers/auth.ts'
import { journey } from '../helpers/journey.ts'
import {
  anActiveMailbox,
  aTarnFiness,
  createMailbox,
  directoryWordsDrift,
  join,
  MAILBOX_ENV,
  pharmacyForm,
} from '../helpers/mailboxes.ts'
import { supportAgent } from '../helpers/people.ts'

type Headers = { authorization: string }
type Person = Awaited<ReturnType<typeof anAccount>>
let t: TestApp
let support: Headers
let manager: Person

beforeAll(async () => {
  t = await createTestApp({ env: MAILBOX_ENV })
  support = await supportAgent(t)
  manager = await anAccount(t.app, { profile: 'health_professional' })
})
afterAll(() => t.close())

const decide = (id: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/v1/admin/mailboxes/${id}/validation`, headers: support, payload })
const supportPost = (id: string, action: string, payload?: object) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/admin/mailboxes/${id}/${action}`,
    headers: support,
    ...(payload && { payload }),
  })
async function aPendingMailbox(overrides: Record<string, unknown> = {}, headers: Headers = manager.headers) {
  const created = await createMailbox(t, headers, await pharmacyForm(t, overrides))
  expect(created.statusCode, created.body).toBe(201)
  return created.json().id as string
}
const lastMailTo = async (address: string) => {
  await t.deliverMail()
  return t.mail.to(address).at(-1)
}

describe('the support desk validates or rejects', () => {
  it('a rejection needs a reason, which the managers are mailed, quoted', async () => {
    const id = await aPendingMailbox()
    const bare = await decide(id, { decision: 'reject' })
    expect(bare.statusCode).toBe(400)
    expect(bare.json().code).toBe('reason_required')
    const rejected = await decide(id, { decision: 'reject', reason: 'FINESS inconnu\nMerci de vérifier' })
    expect(rejected.json()).toEqual({ id, status: 'rejected', mssanteAddress: null })
    expect((await lastMailTo(manager.email))?.text).toContain('> FINESS inconnu\n> Merci de vérifier')
    expect((await decide(id, { decision: 'validate' })).json().code).toBe('invalid_status')
  })

  it('addresses are never given twice, even once the box that had one is closed', async () => {
    const form = {
      name: 'Pharmacie de la Halle',
      postalAddress: { line: '1 place', postalCode: '81100', city: 'Castres' },
    }
    const first = await aPendingMailbox({ ...form, identifier: aTarnFiness() })
    const second = await aPendingMailbox({ ...form, identifier: aTarnFiness() })
    expect((await decide(first, { decision: 'validate' })).json().mssanteAddress).toBe(
      'pharmacie.de.la.halle.81100.castres@pharmacien.oc.mssante.fr',
    )
    expect((await decide(second, { decision: 'validate' })).json().mssanteAddress).toBe(
      'pharmacie.de.la.halle.81100.castres.2@pharmacien.oc.mssante.fr',
    )
    expect((await supportPost(first, 'closure', { reason: 'Fermeture' })).json().status).toBe('closed')
    const third = await aPendingMailbox({ ...form, identifier: aTarnFiness() })
    expect((await decide(third, { decision: 'validate' })).json().mssanteAddress).toBe(
      'pharmacie.de.la.halle.81100.castres.3@pharmacien.oc.mssante.fr',
    )
  })

  it('the desk may type the address instead, checked as a derived one', async () => {
    const taken = await aPendingMailbox()
    const given = await decide(taken, {
      decision: 'validate',
      mssanteAddress: 'officine.prise.albi@oc.mssante.fr',
    })
    expect(given.statusCode, given.body).toBe(200)
    const id = await aPendingMailbox()
    for (const [address, status, code] of [
      ['Pharmacie@oc.mssante.fr', 422, 'invalid_mssante_address'],
      ['pharmacie.albi@gmail.com', 422, 'invalid_mssante_address'],
      ['officine.prise.albi@oc.mssante.fr', 409, 'mssante_address_taken'],
    ] as const) {
      const refused = await decide(id, { decision: 'validate', mssanteAddress: address })
      expect(refused.statusCode, address).toBe(status)
      expect(refused.json().code).toBe(code)
    }
    const typed = await decide(id, {
      decision: 'validate',
      mssanteAddress: 'officine.vigan.albi@oc.mssante.fr',
    })
    expect(typed.json()).toMatchObject({
      status: 'validated',
      mssanteAddress: 'officine.vigan.albi@oc.mssante.fr',
    })
  })

  it('a PER box is named after its owner, in the domain of their profession; an INT box in the operator’s', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    await t.app.deps.db
      .updateTable('accounts')
      .set({ first_name: 'Hélène', last_name: 'D’Arcy-Lefèvre' })
      .where('id', '=', doctor.id)
      .execute()
    const per = await createMailbox(t, doctor.headers, { kind: 'PER', region: '76' })
    expect((await decide(per.json().id, { decision: 'validate' })).json().mssanteAddress).toBe(
      'helene.d.arcy.lefevre@medecin.oc.mssante.fr',
    )
    const nurse = await anAccount(t.app, { profile: 'collaborator' })
    await t.app.deps.db
      .updateTable('accounts')
      .set({ first_name: 'Ana', last_name: 'Souza', profession_code: '60' })
      .where('id', '=', nurse.id)
      .execute()
    const int = await createMailbox(t, nurse.headers, { kind: 'INT', region: '76' })
    expect((await decide(int.json().id, { decision: 'validate' })).json().mssanteAddress).toBe(
      'ana.souza@oc.mssante.fr',
    )
  })
})

describe('activation, suspension, closing', () => {
  const { step } = journey()
  let id: string
  let member: Person
  let boxToken: Headers

  beforeAll(async () => {
    id = await aPendingMailbox({ name: 'Pharmacie des Cordeliers' })
    member = await anAccount(t.app, { profile: 'health_professional' })
  })

  step('only a validated box is activated; the managers are mailed its address', async () => {
    expect((await supportPost(id, 'activation')).json().code).toBe('invalid_status')
    await decide(id, { decision: 'validate' })
    const activated = await supportPost(id, 'activation')
    expect(activated.json().status).toBe('active')
    const mail = await lastMailTo(manager.email)
    expect(mail?.text).toContain('pharmacie.des.cordeliers.81000.albi@pharmacien.oc.mssante.fr')
    await join(t, id, manager.headers, member)
    const switched = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${id}/session`,
      headers: member.headers,
    })
    boxToken = { authorization: `Bearer ${switched.json().accessToken}` }
  })

  step(
    'a suspension needs a reason; it stops the box’s tokens, switching, and its place in the directory',
    async () => {
      const bare = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/mailboxes/${id}/suspension`,
        headers: support,
        payload: {},
      })
      expect(bare.statusCode).toBe(400)
      expect((await supportPost(id, 'suspension', { reason: 'Usage signalé' })).json().status).toBe(
        'suspended',
      )
      expect((await lastMailTo(manager.email))?.text).toContain('> Usage signalé')
      expect((await t.app.inject({ url: '/v1/mailbox-session', headers: boxToken })).statusCode).toBe(401)
      const refused = await t.app.inject({
        method: 'POST',
        url: `/v1/mailboxes/${id}/session`,
        headers: member.headers,
      })
      expect(refused.statusCode).toBe(403)
      expect(refused.json().code).toBe('mailbox_not_active')
      const found = await t.app.inject({
        url: '/v1/mailboxes/directory?q=cordeliers',
        headers: member.headers,
      })
      expect(found.json().items).toEqual([])
    },
  )

  step('lifted, the box is back', async () => {
    const lifted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/admin/mailboxes/${id}/suspension`,
      headers: support,
    })
    expect(lifted.json().status).toBe('active')
    expect((await t.app.inject({ url: '/v1/mailbox-session', headers: boxToken })).statusCode).toBe(200)
  })

  step('a member whose account is suspended can no longer act for the box', async () => {
    const other = await anAccount(t.app, { profile: 'health_professional' })
    await join(t, id, manager.headers, other)
    const switched = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${id}/session`,
      headers: other.headers,
    })
    const token = { authorization: `Bearer ${switched.json().accessToken}` }
    expect((await t.app.inject({ url: '/v1/mailbox-session', headers: token })).statusCode).toBe(200)
    const suspended = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${other.id}/suspension`,
      headers: support,
      payload: { reason: 'Départ' },
    })
    expect(suspended.statusCode, suspended.body).toBe(200)
    expect((await t.app.inject({ url: '/v1/mailbox-session', headers: token })).statusCode).toBe(401)
  })

  step('a manager asks to close it; the desk is told, and closes it: nothing more changes it', async () => {
    const asked = await t.app.inject({
      method: 'POST',
      url: `/v1/mailboxes/${id}/closure-request`,
      headers: manager.headers,
      payload: { reason: 'La pharmacie ferme' },
    })
    expect(asked.json().closeRequestedAt).toBe(t.clock.now().toISOString())
    expect((await lastMailTo(t.app.deps.config.SUPPORT_EMAIL))?.text).toContain('> La pharmacie ferme')
    expect((await supportPost(id, 'closure', {})).json().status).toBe('closed')
    expect((await t.app.inject({ url: '/v1/mailbox-session', headers: boxToken })).statusCode).toBe(401)
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${id}`,
      headers: manager.headers,
      payload: { description: 'Encore là' },
    })
    expect(edit.json().code).toBe('mailbox_closed')
    expect((await supportPost(id, 'closure', {})).json().code).toBe('invalid_status')
  })
})

describe('editing a box', () => {
  let id: string

  beforeAll(async () => {
    id = (await anActiveMailbox(t, manager.headers, { name: 'Pharmacie Sainte-Cécile' })).id
  })

  it('its managers edit the description, service, phones and preferences; the directory follows', async () => {
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${id}`,
      headers: manager.headers,
      payload: {
        description: 'Officine de garde près de la cathédrale',
        service: null,
        phones: ['+33 5 63 00 00 01'],
      },
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(edited.json()).toMatchObject({ service: null, phones: ['+33563000001'] })
    const search = (q: string) =>
      t.app.inject({ url: `/v1/mailboxes/directory?q=${q}`, headers: manager.headers })
    expect((await search('cathedrale')).json().items.map((item: { id: string }) => item.id)).toEqual([id])
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/mailboxes/${id}`,
      headers: manager.headers,
      payload: { preferences: { listed: false } },
    })
    expect((await search('cathedrale')).json().items).toEqual([])
  })

  it('refuses bad text, an empty change and what is the desk’s to change', async () => {
    for (const payload of [{ description: 'a\u0007b' }, {}, { name: 'Autre nom' }, { phones: ['12'] }]) {
      const refused = await t.app.inject({
        method: 'PATCH',
        url: `/v1/mailboxes/${id}`,
        headers: manager.headers,
        payload,
      })
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400)
    }
  })

  it('the desk changes the establishment and the responsible, checked as at creation', async () => {
    const patch = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/v1/admin/mailboxes/${id}`, headers: support, payload })
    const moved = await patch({
      postalAddress: { line: '3 rue Villegoudou', postalCode: '81100', city: 'Castres' },
    })
    expect(moved.json()).toMatchObject({ department: '81', postalAddress: { city: 'Castres' } })
    expect((await patch({ department: '12' })).json().code).toBe('place_mismatch')
    expect((await patch({ identifier: '810000019' })).json().code).toBe('invalid_mailbox')
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    const per = await createMailbox(t, doctor.headers, { kind: 'PER', region: '76' })
    const personal = await t.app.inject({
      method: 'PATCH',
      url: `/v1/admin/mailboxes/${per.json().id}`,
      headers: support,
      payload: { name: 'Autre' },
    })
    expect(personal.json().code).toBe('personal_mailbox')
  })
})

describe('the support desk’s queue', () => {
  it('lists one status, oldest first, page by page', async () => {
    const supportOnly = await anAccount(t.app, { profile: 'health_professional' })
    const ids: string[] = []
    for (const _ of [1, 2]) {
      t.clock.advance(1000)
      ids.push(await aPendingMailbox({}, supportOnly.headers))
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<TestApp['app']['inject']>> = await t.app.inject({
        url: `/v1/admin/mailboxes?status=pending_validation&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: support,
      })
      seen.push(...page.json().items.map((item: { mailbox: { id: string } }) => item.mailbox.id))
      cursor = page.json().nextCursor
    } while (cursor)
    expect(seen.slice(-2)).toEqual(ids)
    expect(new Set(seen).size).toBe(seen.length)
    expect(
      (await t.app.inject({ url: '/v1/admin/mailboxes?cursor=nope', headers: support })).statusCode,
    ).toBe(400)
  })
})

describe('the directory’s words', () => {
  it('followed every change of the boxes above: creations, edits, suspensions, closures, unlisting', async () => {
    expect(await directoryWordsDrift(t.app.deps.db)).toEqual([])
  })
})
