import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { journey } from '../helpers/journey.ts'
import {
  aPractice,
  type Practice,
  register,
  signIn,
  supportAgent,
  validateAccount,
} from '../helpers/people.ts'

let t: TestApp
let practice: Practice
let support: { authorization: string }

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t, 'biomnis')
  support = await supportAgent(t)
})
afterAll(() => t.close())

const validate = (accountId: string) => validateAccount(t, accountId, support)
const me = async (headers: { authorization: string }) =>
  (await t.app.inject({ url: '/v1/me', headers })).json()
const rightsAt = (body: { rights: { structureId: string; rights: string[] }[] }) =>
  body.rights.find((entry) => entry.structureId === practice.structureId)?.rights ?? []

describe('Biomnis: a doctor approves her secretaries’ access to results and invoices', () => {
  const { step } = journey()
  let doctorId: string
  let doctor: { headers: { authorization: string } }
  let secretaryId: string

  step('the doctor registers, with results and invoices by default, and support validates her', async () => {
    const registered = await register(t, practice, {
      email: 'dr.roux@example.org',
      firstName: 'Sophie',
      lastName: 'Roux',
    })
    expect(registered.json().status).toBe('pending_validation')
    doctorId = registered.json().id
    await validate(doctorId)
    doctor = await signIn(t, 'dr.roux@example.org')
    expect(rightsAt(await me(doctor.headers))).toEqual(['invoices', 'results'])
  })

  step(
    'the secretary finds her doctor with the correspondent code, asks for results and invoices naming her, and waits for her',
    async () => {
      const approvers = await t.app.inject({
        url: `/v1/structures/${practice.structureId}/approvers?correspondentCode=${practice.correspondentCode}`,
      })
      expect(approvers.json().items).toEqual([
        expect.objectContaining({ id: doctorId, lastName: 'Roux', role: 'professional' }),
      ])
      expect(
        (
          await t.app.inject({
            url: `/v1/structures/${practice.structureId}/approvers?correspondentCode=WRONG`,
          })
        ).statusCode,
      ).toBe(404)

      const registered = await register(t, practice, {
        email: 'secretariat.roux@example.org',
        profile: 'collaborator',
        firstName: 'Julie',
        lastName: 'Bernard',
        rights: { results: true, invoices: true },
        approverId: doctorId,
        extra: { accountTitle: 'Secrétariat du Dr Roux' },
      })
      expect(registered.statusCode, registered.body).toBe(201)
      expect(registered.json().status).toBe('pending_approval')
      secretaryId = registered.json().id
      await t.deliverMail()
      expect(t.mail.to('dr.roux@example.org').at(-1)?.subject).toBe(
        'Sésame : une demande d’accès attend votre approbation',
      )
    },
  )

  step('the doctor approves results only; the registration goes on to the support desk', async () => {
    const pending = (
      await t.app.inject({ url: '/v1/approvals?status=pending', headers: doctor.headers })
    ).json().items
    expect(pending).toHaveLength(1)
    expect(pending[0]).toMatchObject({
      requester: { id: secretaryId, firstName: 'Julie', accountTitle: 'Secrétariat du Dr Roux' },
      rights: ['results', 'invoices'],
      atRegistration: true,
    })
    const decided = await t.app.inject({
      method: 'POST',
      url: `/v1/approvals/${pending[0].id}/decision`,
      headers: doctor.headers,
      payload: { decision: 'approve', rights: ['results'] },
    })
    expect(decided.statusCode, decided.body).toBe(200)
    expect(decided.json()).toMatchObject({ status: 'approved', grantedRights: ['results'] })
    const account = await t.app.deps.db
      .selectFrom('accounts')
      .select('status')
      .where('id', '=', secretaryId)
      .executeTakeFirstOrThrow()
    expect(account.status).toBe('pending_validation')
  })

  step('support validates; the secretary signs in and has results, not invoices', async () => {
    await validate(secretaryId)
    const secretary = await signIn(t, 'secretariat.roux@example.org')
    const view = await me(secretary.headers)
    expect(rightsAt(view)).toEqual(['results'])
    // The token carries no rights: they are read from the database (and by introspection) when needed.
    const claims = JSON.parse(Buffer.from(secretary.accessToken.split('.')[1] ?? '', 'base64url').toString())
    expect(claims).not.toHaveProperty('rights')
  })

  step(
    'the doctor delegates to a colleague, who approves a second secretary; the doctor is told',
    async () => {
      const colleague = await register(t, practice, {
        email: 'office.manager@example.org',
        profile: 'administrative',
        firstName: 'Marc',
        lastName: 'Petit',
        rights: { results: false, invoices: false },
      })
      await validate(colleague.json().id)
      const manager = await signIn(t, 'office.manager@example.org')
      const delegation = await t.app.inject({
        method: 'POST',
        url: '/v1/me/delegations',
        headers: doctor.headers,
        payload: { structureId: practice.structureId, delegateId: colleague.json().id },
      })
      expect(delegation.statusCode, delegation.body).toBe(201)
      expect(
        (await t.app.inject({ url: '/v1/me/delegations', headers: doctor.headers })).json().items,
      ).toHaveLength(1)

      const second = await register(t, practice, {
        email: 'accueil.roux@example.org',
        profile: 'collaborator',
        firstName: 'Léa',
        lastName: 'Moreau',
        rights: { results: true, invoices: false },
        approverId: doctorId,
      })
      const queue = (await t.app.inject({ url: '/v1/approvals', headers: manager.headers })).json().items
      expect(queue.map((item: { requester: { id: string } }) => item.requester.id)).toEqual([
        second.json().id,
      ])
      const decided = await t.app.inject({
        method: 'POST',
        url: `/v1/approvals/${queue[0].id}/decision`,
        headers: manager.headers,
        payload: { decision: 'approve' },
      })
      expect(decided.statusCode, decided.body).toBe(200)
      await t.deliverMail()
      expect(t.mail.to('dr.roux@example.org').at(-1)?.subject).toBe(
        'Sésame : une demande a été décidée par votre délégué',
      )
      expect(t.mail.to('accueil.roux@example.org').at(-1)?.text).toContain('approuvée')
      await validate(second.json().id)

      // Withdrawn, the delegation stops at once, even for a token issued before.
      await t.app.inject({
        method: 'DELETE',
        url: `/v1/me/delegations/${delegation.json().id}`,
        headers: doctor.headers,
      })
      const third = await register(t, practice, {
        email: 'remplacante@example.org',
        profile: 'collaborator',
        firstName: 'Ana',
        lastName: 'Lopez',
        rights: { results: true, invoices: false },
        approverId: doctorId,
      })
      const request = await t.app.deps.db
        .selectFrom('access_requests')
        .select('id')
        .where('account_id', '=', third.json().id)
        .executeTakeFirstOrThrow()
      const refused = await t.app.inject({
        method: 'POST',
        url: `/v1/approvals/${request.id}/decision`,
        headers: manager.headers,
        payload: { decision: 'approve' },
      })
      expect(refused.statusCode).toBe(403)
      expect((await t.app.inject({ url: '/v1/approvals', headers: manager.headers })).json().items).toEqual(
        [],
      )
    },
  )

  step('the doctor sees her collaborators and revokes the secretary’s results at once', async () => {
    const collaborators = (
      await t.app.inject({ url: '/v1/me/collaborators', headers: doctor.headers })
    ).json().items
    expect(
      collaborators.find((entry: { account: { id: string } }) => entry.account.id === secretaryId),
    ).toMatchObject({ rights: ['results'], structureId: practice.structureId })
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/collaborators/${secretaryId}/rights/results?structureId=${practice.structureId}`,
      headers: doctor.headers,
    })
    expect(revoked.statusCode).toBe(204)
    await t.deliverMail()
    expect(t.mail.to('secretariat.roux@example.org').at(-1)?.subject).toBe(
      'Sésame : un droit d’accès vous a été retiré',
    )
    const secretary = await signIn(t, 'secretariat.roux@example.org')
    expect(rightsAt(await me(secretary.headers))).toEqual([])
  })

  step('the lab’s feed tells, in order, who may receive results', async () => {
    const feed = (
      await t.app.inject({ url: '/v1/labs/biomnis/events?limit=1000', headers: practice.lab })
    ).json()
    const types = feed.items.map(
      (event: { type: string; account: { lastName: string }; right?: string }) =>
        `${event.type} ${event.account.lastName}${event.right ? ` ${event.right}` : ''}`,
    )
    expect(types).toEqual(
      expect.arrayContaining([
        'account.activated Roux',
        'account.activated Bernard',
        'right.granted Moreau results',
        'right.revoked Bernard results',
      ]),
    )
    expect(types.indexOf('account.activated Roux')).toBeLessThan(types.indexOf('account.activated Bernard'))
    expect(types.indexOf('account.activated Bernard')).toBeLessThan(
      types.indexOf('right.revoked Bernard results'),
    )
    const revoked = feed.items.find((event: { type: string }) => event.type === 'right.revoked')
    expect(revoked).toMatchObject({
      structure: { id: practice.structureId },
      correspondentCodes: [practice.correspondentCode],
    })
    // Resuming from a cursor gives only what came after.
    const middle = feed.items[Math.floor(feed.items.length / 2)].id
    const rest = (
      await t.app.inject({ url: `/v1/labs/biomnis/events?after=${middle}`, headers: practice.lab })
    ).json()
    expect(rest.items[0].id).toBeGreaterThan(middle)
    expect(rest.items.at(-1).id).toBe(feed.items.at(-1).id)
    expect(rest.next).toBe(feed.next)
  })
})

describe('practice places in the lab feed', () => {
  it('tells the lab when a practice place with it is confirmed, and when it is removed', async () => {
    const other = await aPractice(t, 'cerba')
    const registered = await register(t, practice, { email: 'dr.place@example.org', lastName: 'Lefort' })
    await validate(registered.json().id)
    const doctor = await signIn(t, 'dr.place@example.org')
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/me/practice-places',
      headers: doctor.headers,
      payload: { structureId: other.structureId, labCenterId: other.centerId },
    })
    expect(added.statusCode, added.body).toBe(201)
    const feedOf = async () =>
      (await t.app.inject({ url: '/v1/labs/cerba/events', headers: other.lab })).json().items
    // Pending, the place is not announced; the structure has no professional: the support desk confirms.
    expect(await feedOf()).toEqual([])
    const confirmed = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/place-confirmations/${added.json().id}/decision`,
      headers: support,
      payload: { decision: 'confirm' },
    })
    expect(confirmed.statusCode, confirmed.body).toBe(200)
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/practice-places/${added.json().id}`,
      headers: doctor.headers,
    })
    expect(removed.statusCode).toBe(204)
    const feed = await feedOf()
    expect(feed.map((event: { type: string }) => event.type)).toEqual([
      'practice_place.added',
      'practice_place.removed',
    ])
    expect(feed[0]).toMatchObject({
      account: { lastName: 'Lefort' },
      structure: { id: other.structureId },
      correspondentCodes: [other.correspondentCode],
    })
    // Another lab never sees cerba's events, nor may it read them.
    const biomnisFeed = (
      await t.app.inject({ url: '/v1/labs/biomnis/events?limit=1000', headers: practice.lab })
    ).json().items
    expect(
      biomnisFeed.some(
        (event: { structure: { id: string } | null }) => event.structure?.id === other.structureId,
      ),
    ).toBe(false)
    expect((await t.app.inject({ url: '/v1/labs/cerba/events', headers: practice.lab })).statusCode).toBe(403)
  })
})
