import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor, labToken, labWithClient } from '../helpers/auth.ts'
import { anRpps } from '../helpers/builders.ts'
import {
  aPractice,
  type Practice,
  proveEmail,
  register,
  signIn,
  stepUp,
  supportAgent,
  validateAccount,
} from '../helpers/people.ts'
import { aPscProfessional, pscCallback, throughPsc, writtenRows } from '../helpers/psc.ts'
import { PSC_REDIRECT_URI, startTestPsc, type TestPsc } from '../helpers/psc-provider.ts'

type Headers = { authorization: string }
let psc: TestPsc
let t: TestApp
let practice: Practice

beforeAll(async () => {
  psc = await startTestPsc()
  // This client of the provider reads userinfo as a signed JWT (`application/jwt`); the others, as JSON.
  t = await createTestApp({ env: psc.env('jwt') })
  practice = await aPractice(t)
})
afterAll(async () => {
  await t.close()
  await psc.close()
})

/** A validated doctor with a password, signed in with it; PSC knows her under the same RPPS. */
async function aDoctorWithPassword(email: string) {
  const rpps = anRpps()
  const registered = await register(t, practice, { email, extra: { rpps } })
  expect(registered.statusCode, registered.body).toBe(201)
  await validateAccount(t, registered.json().id)
  const { headers } = await signIn(t, email)
  return { id: registered.json().id as string, email, headers, ...aPscProfessional(psc, { rpps }) }
}

/** A doctor who registered through PSC alone, without a password, validated and signed in with PSC. */
async function aDoctorWithPscOnly(email: string) {
  const person = aPscProfessional(psc)
  const answer = await pscCallback(t, await throughPsc(t, psc, person.nationalId))
  const registered = await t.app.inject({
    method: 'POST',
    url: '/v1/registrations',
    payload: {
      proof: await proveEmail(t, email),
      pscRegistrationToken: answer.json().registrationToken,
      profile: 'health_professional',
      practicePlaces: [{ structureId: practice.structureId, labCenterId: practice.centerId, primary: true }],
      correspondentCode: practice.correspondentCode,
      termsVersion: t.app.deps.config.TERMS_VERSION,
    },
  })
  expect(registered.statusCode, registered.body).toBe(201)
  await validateAccount(t, registered.json().id)
  return { id: registered.json().id as string, ...person, headers: await pscSignIn(person.nationalId) }
}

async function pscSignIn(nationalId: string): Promise<Headers> {
  const answer = await pscCallback(t, await throughPsc(t, psc, nationalId))
  expect(answer.json().outcome, answer.body).toBe('signed_in')
  return { authorization: `Bearer ${answer.json().accessToken}` }
}

const me = async (headers: Headers) => (await t.app.inject({ url: '/v1/me', headers })).json()
const unlink = (headers: Headers) => t.app.inject({ method: 'DELETE', url: '/v1/me/psc-link', headers })

describe('Dr Claire Martin links her e-CPS to the account she made with a password', () => {
  it('links it from her account, and then signs in with either', async () => {
    const claire = await aDoctorWithPassword('claire.martin@example.org')
    expect((await me(claire.headers)).pscLinked).toBe(false)
    const linked = await pscCallback(
      t,
      await throughPsc(t, psc, claire.nationalId, { link: claire.headers }),
      claire.headers,
    )
    expect(linked.statusCode, linked.body).toBe(200)
    expect(linked.json()).toEqual({ linked: true, linkedAt: t.clock.now().toISOString() })
    expect(await me(claire.headers)).toMatchObject({ pscLinked: true, identityVerifiedBy: 'psc' })

    const support = await supportAgent(t)
    const events = await t.app.inject({
      url: `/v1/admin/audit-events?accountId=${claire.id}`,
      headers: support,
    })
    expect(events.json().items).toContainEqual(
      expect.objectContaining({
        action: 'account.psc_linked',
        actorId: claire.id,
        details: { via: 'me', rpps: claire.rpps },
      }),
    )
    expect((await me(await pscSignIn(claire.nationalId))).id).toBe(claire.id)
  })

  it('cannot link someone else’s e-CPS: its RPPS is not hers', async () => {
    const claire = await aDoctorWithPassword('claire.other@example.org')
    const colleague = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, colleague.nationalId, { link: claire.headers })
    const before = await writtenRows(t)
    const refused = await pscCallback(t, parameters, claire.headers)
    expect(refused.statusCode).toBe(422)
    expect(refused.json().code).toBe('psc_rpps_mismatch')
    expect(await writtenRows(t)).toEqual(before)
  })

  it('an authorization started by one account does not link another, nor sign anyone in', async () => {
    const claire = await aDoctorWithPassword('claire.third@example.org')
    const mallory = await aDoctorWithPassword('mallory@example.org')
    const parameters = await throughPsc(t, psc, mallory.nationalId, { link: mallory.headers })
    for (const attempt of [pscCallback(t, parameters, claire.headers), pscCallback(t, parameters)]) {
      const refused = await attempt
      expect(refused.statusCode).toBe(400)
      expect(refused.json().code).toBe('psc_state_invalid')
    }
    const signIn = await throughPsc(t, psc, claire.nationalId)
    const asLink = await pscCallback(t, signIn, claire.headers)
    expect(asLink.json().code).toBe('psc_state_invalid')
  })
})

describe('unlinking', () => {
  it('needs a password on the account, so that nobody is locked out', async () => {
    const doctor = await aDoctorWithPscOnly('psc.only@example.org')
    const refused = await unlink(doctor.headers)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('password_required')
    expect((await me(doctor.headers)).pscLinked).toBe(true)
  })

  it('needs a recent authentication, and then keeps PSC from linking the account again by its RPPS', async () => {
    const doctor = await aDoctorWithPassword('unlinks@example.org')
    await pscCallback(t, await throughPsc(t, psc, doctor.nationalId), undefined)
    expect((await me(doctor.headers)).pscLinked).toBe(true)
    t.clock.advance(10 * 60_000 + 1000)
    const stale = await unlink(doctor.headers)
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('step_up_required')

    const fresh = await stepUp(t, doctor.headers, doctor.email)
    expect((await unlink(fresh)).statusCode).toBe(204)
    expect((await unlink(fresh)).json().code).toBe('psc_not_linked')
    expect(await me(fresh)).toMatchObject({ pscLinked: false, identityVerifiedBy: 'psc' })
    const signIn = await pscCallback(t, await throughPsc(t, psc, doctor.nationalId))
    expect(signIn.statusCode).toBe(409)
    expect(signIn.json().code).toBe('psc_unlinked')

    const relinked = await pscCallback(t, await throughPsc(t, psc, doctor.nationalId, { link: fresh }), fresh)
    expect(relinked.json().linked).toBe(true)
  })
})

describe('a change of RPPS approved by the support desk', () => {
  it('unlinks the identity of the former RPPS, and the new one’s does not link itself', async () => {
    const doctor = await aDoctorWithPscOnly('psc.new.rpps@example.org')
    // Someone else's e-CPS, whose RPPS a stolen token would ask for.
    const other = aPscProfessional(psc)
    const asked = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: doctor.headers,
      payload: { rpps: other.rpps },
    })
    expect(asked.statusCode, asked.body).toBe(202)
    const decided = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/profile-changes/${asked.json().changeRequestId}/decision`,
      headers: await supportAgent(t),
      payload: { decision: 'approve' },
    })
    expect(decided.statusCode, decided.body).toBe(200)
    expect((await me(doctor.headers)).pscLinked).toBe(false)
    const bySomeoneElse = await pscCallback(t, await throughPsc(t, psc, other.nationalId))
    expect(bySomeoneElse.statusCode).toBe(409)
    expect(bySomeoneElse.json().code).toBe('psc_unlinked')
  })
})

describe('a PSC sign-in is a fresh authentication', () => {
  it('for an account without a password, it is the step-up before a sensitive change', async () => {
    const doctor = await aDoctorWithPscOnly('psc.stepup@example.org')
    t.clock.advance(10 * 60_000 + 1000)
    const add = async (headers: Headers, address: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/me/emails',
        headers,
        payload: { proof: await proveEmail(t, address, 'add_email') },
      })
    expect((await add(doctor.headers, 'psc.stepup.2@example.org')).json().code).toBe('step_up_required')
    const again = await pscSignIn(doctor.nationalId)
    expect((await add(again, 'psc.stepup.3@example.org')).statusCode).toBe(201)
  })
})

describe('who may not', () => {
  const lab = async () =>
    labToken(t.app, await labWithClient(t.app, `lab-${Math.random().toString(36).slice(2, 8)}`))
  const operations = [
    ['POST', '/v1/me/psc-link/authorizations', { redirectUri: PSC_REDIRECT_URI }],
    ['POST', '/v1/me/psc-link', { state: 'a-state-of-the-right-length-0000', code: 'abc' }],
    ['DELETE', '/v1/me/psc-link', undefined],
  ] as const

  it.each(operations)('%s %s: anonymous is 401, a lab system 403', async (method, url, payload) => {
    const anonymous = await t.app.inject({ method, url, ...(payload && { payload }) })
    expect(anonymous.statusCode).toBe(401)
    const machine = await t.app.inject({ method, url, headers: await lab(), ...(payload && { payload }) })
    expect(machine.statusCode).toBe(403)
  })

  it('a collaborator has no RPPS: PSC is not hers to link', async () => {
    const collaborator = await bearerFor(t.app, [], { profile: 'collaborator' })
    const someone = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, someone.nationalId, { link: collaborator })
    const refused = await pscCallback(t, parameters, collaborator)
    expect(refused.json().code).toBe('psc_rpps_mismatch')
  })

  it('control characters in the link’s answer are a 400 problem', async () => {
    const person = await bearerFor(t.app)
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/me/psc-link',
      headers: person,
      payload: { state: 'a-state-of-the-right\u0007-length', code: 'abc' },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'state' }] })
  })
})
