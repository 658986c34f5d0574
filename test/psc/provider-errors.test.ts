import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { aPscProfessional, pscCallback, throughPsc, writtenRows } from '../helpers/psc.ts'
import {
  type CallbackParameters,
  PSC_REDIRECT_URI,
  startTestPsc,
  type TestPsc,
} from '../helpers/psc-provider.ts'

/**
 * What can go wrong between the browser, the provider and Sésame. Each answer has its own problem
 * code, and none writes anything: no account, session, link, registration token or audit record,
 * and the state is not spent.
 */
let psc: TestPsc
let t: TestApp

beforeAll(async () => {
  psc = await startTestPsc()
  t = await createTestApp({ env: psc.env() })
})
afterAll(async () => {
  await t.close()
  await psc.close()
})

async function expectRefusedWithoutWriting(
  parameters: CallbackParameters,
  status: number,
  code: string,
): Promise<void> {
  const before = await writtenRows(t)
  const answer = await pscCallback(t, parameters)
  expect(answer.statusCode, answer.body).toBe(status)
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(answer.json().code).toBe(code)
  expect(await writtenRows(t)).toEqual(before)
}

describe('the callback refuses', () => {
  it('a replayed state', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId)
    expect((await pscCallback(t, parameters)).statusCode).toBe(200)
    await expectRefusedWithoutWriting(parameters, 400, 'psc_state_invalid')
  })

  it('a state that is unknown or older than 10 minutes', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId)
    await expectRefusedWithoutWriting(
      { ...parameters, state: `${parameters.state}x` },
      400,
      'psc_state_invalid',
    )
    t.clock.advance(10 * 60_000 + 1000)
    await expectRefusedWithoutWriting(parameters, 400, 'psc_state_invalid')
  })

  it('an ID token issued for another nonce', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId, {
      tamper: (url) => url.searchParams.set('nonce', 'a-nonce-this-service-never-issued'),
    })
    await expectRefusedWithoutWriting(parameters, 401, 'psc_nonce_mismatch')
  })

  it('an authentication below eidas1', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId, { acr: 'eidas0' })
    await expectRefusedWithoutWriting(parameters, 403, 'psc_acr_insufficient')
  })

  it('an ID token signed by a key that is not the provider’s', async () => {
    const doctor = aPscProfessional(psc)
    psc.forgeSignatures(true)
    try {
      const parameters = await throughPsc(t, psc, doctor.nationalId)
      await expectRefusedWithoutWriting(parameters, 401, 'psc_signature_invalid')
    } finally {
      psc.forgeSignatures(false)
    }
  })

  it('a code already spent at the provider', async () => {
    const doctor = aPscProfessional(psc)
    const first = await throughPsc(t, psc, doctor.nationalId)
    expect((await pscCallback(t, first)).statusCode).toBe(200)
    const second = await throughPsc(t, psc, doctor.nationalId)
    await expectRefusedWithoutWriting({ ...second, code: first.code }, 400, 'psc_code_rejected')
  })

  it('an answer without its issuer (RFC 9207), or with another one', async () => {
    const doctor = aPscProfessional(psc)
    const { iss: _iss, ...withoutIssuer } = await throughPsc(t, psc, doctor.nationalId)
    await expectRefusedWithoutWriting(withoutIssuer, 400, 'psc_authorization_error')
    const otherIssuer = { ...withoutIssuer, iss: 'https://auth.example.net/auth/realms/esante-wallet' }
    await expectRefusedWithoutWriting(otherIssuer, 400, 'psc_authorization_error')
  })

  it('the person cancelling at the provider (error=access_denied)', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId, { cancel: true })
    expect(parameters.error).toBe('access_denied')
    await expectRefusedWithoutWriting(parameters, 403, 'psc_access_denied')
  })

  it('both a code and an error, or neither', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId)
    await expectRefusedWithoutWriting({ ...parameters, error: 'access_denied' }, 400, 'validation_failed')
    const { code: _code, ...withoutCode } = parameters
    await expectRefusedWithoutWriting(withoutCode, 400, 'validation_failed')
  })

  it.each([
    ['state', { state: 'état\u0000inconnu-de-ce-service-000' }],
    ['code', { state: 'a-state-of-the-right-length-0000', code: 'co\u001bde' }],
    ['errorDescription', { state: 'a-state-of-the-right-length-0000', error: 'x', errorDescription: 'a\rb' }],
  ])('control characters in %s, as a 400 problem', async (field, payload) => {
    const answer = await t.app.inject({ method: 'POST', url: '/v1/auth/psc/callback', payload })
    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toMatchObject({ code: 'validation_failed', errors: [{ field }] })
  })
})

describe('a provider that is down', () => {
  it('makes the callback a 502 that writes nothing, and the same answer works once it is back', async () => {
    const doctor = aPscProfessional(psc)
    const parameters = await throughPsc(t, psc, doctor.nationalId)
    await psc.down()
    try {
      await expectRefusedWithoutWriting(parameters, 502, 'psc_unavailable')
    } finally {
      await psc.up()
    }
    const answer = await pscCallback(t, parameters)
    expect(answer.statusCode, answer.body).toBe(200)
    expect(answer.json().outcome).toBe('registration')
  })

  it('makes starting a sign-in a 502 while its metadata cannot be read, and writes nothing', async () => {
    // Another instance, which has not read the provider's metadata yet.
    const fresh = await createTestApp({ env: psc.env(), database: t.database })
    const start = () =>
      fresh.app.inject({
        method: 'POST',
        url: '/v1/auth/psc/authorizations',
        payload: { redirectUri: PSC_REDIRECT_URI },
      })
    const pending = async () =>
      (await t.app.deps.db.selectFrom('psc_authorizations').select('state_hash').execute()).length
    try {
      const before = { rows: await writtenRows(t), pending: await pending() }
      await psc.down()
      const started = await start().finally(() => psc.up())
      expect(started.statusCode).toBe(502)
      expect(started.json().code).toBe('psc_unavailable')
      expect({ rows: await writtenRows(t), pending: await pending() }).toEqual(before)
      expect((await start()).statusCode).toBe(201)
      expect(await pending()).toBe(before.pending + 1)
    } finally {
      await fresh.close()
    }
  })
})

describe('starting a sign-in', () => {
  it('refuses a redirect URI that is not configured', async () => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/psc/authorizations',
      payload: { redirectUri: 'https://attacker.example.net/psc/callback' },
    })
    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toMatchObject({
      code: 'psc_redirect_uri_not_allowed',
      errors: [{ field: 'redirectUri' }],
    })
  })
})

describe('without Pro Santé Connect configured', () => {
  it.each([
    ['POST', '/v1/auth/psc/authorizations', { redirectUri: PSC_REDIRECT_URI }],
    ['POST', '/v1/auth/psc/callback', { state: 'a-state-of-the-right-length-0000', code: 'abc' }],
  ] as const)('%s %s answers 404 psc_disabled', async (method, url, payload) => {
    const off = await createTestApp({ database: t.database })
    try {
      const answer = await off.app.inject({ method, url, payload })
      expect(answer.statusCode).toBe(404)
      expect(answer.json().code).toBe('psc_disabled')
    } finally {
      await off.close()
    }
  })
})
