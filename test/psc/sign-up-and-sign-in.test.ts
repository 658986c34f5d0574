import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { aSiret } from '../helpers/builders.ts'
import {
  aPractice,
  type Practice,
  proveEmail,
  register,
  signIn,
  supportAgent,
  validateAccount,
} from '../helpers/people.ts'
import { aPscProfessional, pscCallback, throughPsc, writtenRows } from '../helpers/psc.ts'
import { startTestPsc, type TestPsc } from '../helpers/psc-provider.ts'

let psc: TestPsc
let t: TestApp
let practice: Practice
let finess: string

beforeAll(async () => {
  psc = await startTestPsc()
  t = await createTestApp({ env: psc.env() })
  practice = await aPractice(t)
  const structure = await t.app.deps.db
    .selectFrom('structures')
    .select('finess')
    .where('id', '=', practice.structureId)
    .executeTakeFirstOrThrow()
  finess = structure.finess!
})
afterAll(async () => {
  await t.close()
  await psc.close()
})

const registerWithPsc = (token: string, proof: string, extra: Record<string, unknown> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/registrations',
    payload: {
      proof,
      pscRegistrationToken: token,
      profile: 'health_professional',
      practicePlaces: [{ structureId: practice.structureId, labCenterId: practice.centerId, primary: true }],
      correspondentCode: practice.correspondentCode,
      termsVersion: t.app.deps.config.TERMS_VERSION,
      ...extra,
    },
  })

describe('Dr Hélène Dupré, new to Sésame, with her e-CPS', () => {
  const email = 'helene.dupre@example.org'
  let doctor: ReturnType<typeof aPscProfessional>
  let accountId: string

  beforeAll(() => {
    doctor = aPscProfessional(psc, {
      givenName: 'HÉLÈNE',
      familyName: 'DUPRÉ',
      activities: [
        {
          raisonSocialeSite: 'CABINET MEDICAL DES LILAS',
          numeroFinessSite: finess,
          numeroVoie: '12',
          libelleVoie: 'DES LILAS',
          codePostal: '81000',
          bureauCedex: '81000 ALBI',
        },
        { raisonSocialeSite: 'CENTRE DE SANTE DU TARN', numeroSiretSite: aSiret() },
      ],
    })
  })

  it('signs up: PSC fills the form, she proves her address and accepts the terms', async () => {
    const answer = await pscCallback(t, await throughPsc(t, psc, doctor.nationalId))
    expect(answer.statusCode, answer.body).toBe(200)
    const { outcome, registrationToken, prefill } = answer.json()
    expect(outcome).toBe('registration')
    expect(prefill).toEqual({
      rpps: doctor.rpps,
      civility: 'MME',
      practiceCivility: 'DR',
      firstName: 'HÉLÈNE',
      lastName: 'DUPRÉ',
      profession: { code: '10', label: 'Médecin' },
      practiceSites: [
        {
          name: 'CABINET MEDICAL DES LILAS',
          finess,
          siret: null,
          address: '12 rue DES LILAS',
          postalCode: '81000',
          city: 'ALBI',
          structureId: practice.structureId,
        },
        expect.objectContaining({ name: 'CENTRE DE SANTE DU TARN', structureId: null }),
      ],
    })

    const proof = await proveEmail(t, email)
    const typed = await registerWithPsc(registrationToken, proof, {
      lastName: 'Quelqu’un',
      rpps: '10000000009',
    })
    expect(typed.statusCode).toBe(400)
    expect(
      typed
        .json()
        .errors.map((error: { field: string }) => error.field)
        .sort(),
    ).toEqual(['lastName', 'rpps'])

    const registered = await registerWithPsc(registrationToken, proof)
    expect(registered.statusCode, registered.body).toBe(201)
    expect(registered.json().status).toBe('pending_validation')
    accountId = registered.json().id

    const again = await registerWithPsc(registrationToken, await proveEmail(t, 'someone.else@example.org'))
    expect(again.statusCode).toBe(422)
    expect(again.json().code).toBe('psc_registration_token_invalid')
  })

  it('waits in the support desk’s queue, which shows that PSC verified her identity', async () => {
    const support = await supportAgent(t)
    const queue = await t.app.inject({
      url: '/v1/admin/accounts?status=pending_validation',
      headers: support,
    })
    expect(queue.json().items).toContainEqual(
      expect.objectContaining({ id: accountId, identityVerifiedBy: 'psc', rpps: doctor.rpps }),
    )
    const account = await t.app.inject({ url: `/v1/admin/accounts/${accountId}`, headers: support })
    expect(account.json()).toMatchObject({
      identityVerifiedBy: 'psc',
      pscLinked: true,
      firstName: 'HÉLÈNE',
      civility: 'MME',
    })
    await t.deliverMail()
    expect(t.mail.to(t.app.deps.config.SUPPORT_EMAIL).at(-1)?.text).toContain('Pro Santé Connect')
  })

  it('once validated, signs in with PSC alone: no emailed code, a fresh authentication', async () => {
    await validateAccount(t, accountId)
    await t.deliverMail()
    const mailed = t.mail.to(email).length
    expect(t.mail.to(email).at(-1)?.text).toContain('Pro Santé Connect')

    const answer = await pscCallback(t, await throughPsc(t, psc, doctor.nationalId))
    expect(answer.statusCode, answer.body).toBe(200)
    const body = answer.json()
    expect(body).toMatchObject({ outcome: 'signed_in', tokenType: 'Bearer' })
    const claims = JSON.parse(Buffer.from(body.accessToken.split('.')[1], 'base64url').toString())
    expect(claims).toMatchObject({ sub: accountId, amr: ['psc', 'mfa'] })
    expect(claims.auth_time).toBe(Math.floor(t.clock.now().getTime() / 1000))

    const me = await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${body.accessToken}` } })
    expect(me.json()).toMatchObject({ id: accountId, status: 'active', pscLinked: true })
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: body.refreshToken },
    })
    expect(refreshed.statusCode).toBe(200)
    await t.deliverMail()
    expect(t.mail.to(email)).toHaveLength(mailed)
  })

  it('a registration token lasts 30 minutes', async () => {
    const late = aPscProfessional(psc)
    const answer = await pscCallback(t, await throughPsc(t, psc, late.nationalId))
    t.clock.advance(29 * 60_000)
    // The email proof is fresh; the token is not.
    const proof = await proveEmail(t, 'late.doctor@example.org')
    t.clock.advance(60_000 + 1000)
    const registered = await registerWithPsc(answer.json().registrationToken, proof)
    expect(registered.json().code).toBe('psc_registration_token_invalid')
  })
})

describe('Dr Paul Roux, who registered with a password, signs in with PSC', () => {
  it('his account is linked, not duplicated, and the link is audited', async () => {
    const roux = aPscProfessional(psc, { givenName: 'PAUL', familyName: 'ROUX', civility: 'M' })
    const registered = await register(t, practice, {
      email: 'paul.roux@example.org',
      extra: { rpps: roux.rpps, civility: 'M' },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    const accountId = registered.json().id

    // Still pending validation: refused as at password sign-in, and nothing is linked.
    const before = await writtenRows(t)
    const pending = await pscCallback(t, await throughPsc(t, psc, roux.nationalId))
    expect(pending.statusCode).toBe(401)
    expect(pending.json().code).toBe('invalid_credentials')
    expect((await writtenRows(t)).linked).toBe(before.linked)

    await validateAccount(t, accountId)
    const answer = await pscCallback(t, await throughPsc(t, psc, roux.nationalId))
    expect(answer.statusCode, answer.body).toBe(200)
    expect(answer.json().outcome).toBe('signed_in')
    const withHisRpps = await t.app.deps.db
      .selectFrom('accounts')
      .select(['id', 'psc_national_id'])
      .where('rpps', '=', roux.rpps)
      .execute()
    expect(withHisRpps).toEqual([{ id: accountId, psc_national_id: roux.nationalId }])
    expect((await writtenRows(t)).linked).toBe(before.linked + 1)

    const support = await supportAgent(t)
    const events = await t.app.inject({
      url: `/v1/admin/audit-events?accountId=${accountId}`,
      headers: support,
    })
    expect(events.json().items).toContainEqual(
      expect.objectContaining({ action: 'account.psc_linked', details: { via: 'sign_in', rpps: roux.rpps } }),
    )
    // His password still works too.
    await signIn(t, 'paul.roux@example.org')
  })

  it('a suspended account is refused like at password sign-in', async () => {
    const suspended = aPscProfessional(psc)
    const registered = await register(t, practice, {
      email: 'suspended.doctor@example.org',
      extra: { rpps: suspended.rpps },
    })
    await validateAccount(t, registered.json().id)
    const support = await supportAgent(t)
    await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${registered.json().id}/suspension`,
      headers: support,
      payload: { reason: 'Compte partagé signalé par le cabinet' },
    })
    const answer = await pscCallback(t, await throughPsc(t, psc, suspended.nationalId))
    expect(answer.statusCode).toBe(401)
    expect(answer.json().code).toBe('invalid_credentials')
  })
})
