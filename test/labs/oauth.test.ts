import { createSigner } from 'fast-jwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentSigningKey } from '../../src/auth/signing-keys.ts'
import { createTokenService } from '../../src/auth/tokens.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { anAccount, labToken, labWithClient } from '../helpers/auth.ts'
import { aPractice, type Practice } from '../helpers/people.ts'

type Person = Awaited<ReturnType<typeof anAccount>>
type Client = { clientId: string; clientSecret: string }
let t: TestApp
let practice: Practice
let biomnis: Client
let cerba: Client

beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t, 'biomnis')
  biomnis = await labWithClient(t.app, 'biomnis')
  cerba = await labWithClient(t.app, 'cerba')
})
afterAll(() => t.close())

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const basic = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` })
const basicOf = (client: Client) => basic(`${client.clientId}:${client.clientSecret}`)
const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload })

/** Introspection by a lab client (Basic), as a sibling application would ask. */
const introspect = async (token: string, client: Client = biomnis) => {
  const response = await post('/v1/oauth/introspect', `token=${encodeURIComponent(token)}`, basicOf(client))
  expect(response.statusCode, response.body).toBe(200)
  expect(response.headers['cache-control']).toBe('no-store')
  return response.json()
}
const tokenOf = (person: { headers: { authorization: string } }) =>
  person.headers.authorization.replace(/^Bearer /, '')

describe('the OAuth endpoints read forms and well-formed credentials only', () => {
  it.each([
    ['a % not followed by hex digits', 'client%zz:secret'],
    ['a %-encoded byte that is not UTF-8', '%E9:secret'],
    ['no colon', 'client-without-secret'],
    ['an empty client id', ':secret'],
  ])('answers 400 invalid_client to Basic credentials with %s, never a 500', async (_case, credentials) => {
    for (const url of ['/v1/oauth/token', '/v1/oauth/introspect']) {
      const response = await post(url, 'grant_type=client_credentials&token=x', basic(credentials))
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) })
    }
  })

  it('answers 400 invalid_client to a Basic header that is not base64', async () => {
    const response = await post('/v1/oauth/token', 'grant_type=client_credentials', {
      authorization: 'Basic ***',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_client')
  })

  it('refuses JSON and any body that is not a form, in the RFC’s error shape', async () => {
    for (const url of ['/v1/oauth/token', '/v1/oauth/introspect']) {
      const json = await t.app.inject({
        method: 'POST',
        url,
        headers: basicOf(biomnis),
        payload: { grant_type: 'client_credentials', token: 'x' },
      })
      expect(json.statusCode).toBe(400)
      expect(json.json()).toEqual({
        error: 'invalid_request',
        error_description: 'The body must be a form (application/x-www-form-urlencoded).',
      })
      const text = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...basicOf(biomnis), 'content-type': 'text/plain' },
        payload: 'grant_type=client_credentials',
      })
      expect(text.json().error).toBe('invalid_request')
      const empty = await t.app.inject({ method: 'POST', url, headers: basicOf(biomnis) })
      expect(empty.json().error).toBe('invalid_request')
    }
  })

  it('refuses a parameter given twice and control characters with 400 invalid_request', async () => {
    const twice = await post(
      '/v1/oauth/token',
      'grant_type=client_credentials&grant_type=client_credentials',
      {
        ...basicOf(biomnis),
      },
    )
    expect(twice.statusCode).toBe(400)
    expect(twice.json().error).toBe('invalid_request')
    const nul = await post(
      '/v1/oauth/token',
      `grant_type=client_credentials&client_id=${biomnis.clientId}%00&client_secret=${biomnis.clientSecret}`,
    )
    expect(nul.statusCode).toBe(400)
    expect(nul.json().error).toBe('invalid_request')
    const newline = await post('/v1/oauth/introspect', 'token=abc%0D%0Adef', basicOf(biomnis))
    expect(newline.statusCode).toBe(400)
    expect(newline.json().error).toBe('invalid_request')
  })

  it('still issues tokens to a client authenticated in the form', async () => {
    const response = await post(
      '/v1/oauth/token',
      `grant_type=client_credentials&client_id=${biomnis.clientId}&client_secret=${biomnis.clientSecret}`,
    )
    expect(response.statusCode).toBe(200)
    expect(response.json().token_type).toBe('Bearer')
  })
})

describe('token introspection (RFC 7662): who may NOT ask', () => {
  it('refuses no credentials, a wrong secret, a revoked client and a person’s bearer token', async () => {
    const doctor = await anAccount(t.app, { profile: 'health_professional' })
    const token = `token=${tokenOf(doctor)}`
    const anonymous = await post('/v1/oauth/introspect', token)
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().error).toBe('invalid_client')
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/)

    const wrong = await post('/v1/oauth/introspect', token, basic(`${biomnis.clientId}:wrong`))
    expect(wrong.statusCode).toBe(401)

    const asPerson = await post('/v1/oauth/introspect', token, doctor.headers)
    expect(asPerson.statusCode).toBe(401)
    expect(asPerson.json().error).toBe('invalid_client')

    const support = await anAccount(t.app, { roles: ['support'] })
    const client = await labWithClient(t.app, 'biomnis')
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/admin/labs/biomnis/clients/${client.clientId}`,
      headers: support.headers,
    })
    const revoked = await post('/v1/oauth/introspect', token, basicOf(client))
    expect(revoked.statusCode).toBe(401)
    expect(revoked.json().error).toBe('invalid_client')
  })

  it('needs the token', async () => {
    const response = await post('/v1/oauth/introspect', 'token_type_hint=access_token', basicOf(biomnis))
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_request')
  })
})

describe('token introspection (RFC 7662): what a token stands for now', () => {
  let doctor: Person
  let secretary: Person

  beforeAll(async () => {
    doctor = await anAccount(t.app, { profile: 'health_professional' })
    secretary = await anAccount(t.app, { profile: 'collaborator' })
    for (const person of [doctor, secretary]) {
      await t.app.deps.db
        .insertInto('practice_places')
        .values({
          status: 'confirmed',
          account_id: person.id,
          structure_id: practice.structureId,
          is_primary: true,
          created_at: t.clock.now(),
        })
        .execute()
    }
  })

  it('shows a right granted, then its revocation at once, with the same token', async () => {
    const before = await introspect(tokenOf(secretary))
    expect(before).toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: secretary.id,
      iss: 'sesame',
      aud: 'sesame-api',
      account_status: 'active',
      roles: [],
      rights: {},
      amr: ['pwd', 'otp', 'mfa'],
    })
    expect(before.exp - before.iat).toBe(600)
    expect(before).not.toHaveProperty('client_id')

    const asked = await t.app.inject({
      method: 'POST',
      url: '/v1/access-requests',
      headers: secretary.headers,
      payload: { structureId: practice.structureId, rights: ['results'], approverId: doctor.id },
    })
    expect(asked.statusCode, asked.body).toBe(201)
    const approved = await t.app.inject({
      method: 'POST',
      url: `/v1/approvals/${asked.json().id}/decision`,
      headers: doctor.headers,
      payload: { decision: 'approve' },
    })
    expect(approved.statusCode, approved.body).toBe(200)
    expect((await introspect(tokenOf(secretary))).rights).toEqual({ [practice.structureId]: ['results'] })

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/collaborators/${secretary.id}/rights/results?structureId=${practice.structureId}`,
      headers: doctor.headers,
    })
    expect(revoked.statusCode, revoked.body).toBe(204)
    expect((await introspect(tokenOf(secretary))).rights).toEqual({})
  })

  it('shows a lab the rights at the structures linked to it only, never another lab’s', async () => {
    // A nurse works at the Biomnis practice and at a practice Cerba created; a third lab, Eurofins, has
    // synced a code for the Biomnis practice that still waits for its link.
    const cerbaPractice = await aPractice(t, 'cerba')
    const cerbaDoctor = await anAccount(t.app, { profile: 'health_professional' })
    const nurse = await anAccount(t.app, { profile: 'collaborator' })
    const places = [
      [cerbaDoctor, cerbaPractice.structureId],
      [nurse, practice.structureId],
      [nurse, cerbaPractice.structureId],
    ] as const
    for (const [person, structureId] of places) {
      await t.app.deps.db
        .insertInto('practice_places')
        .values({
          status: 'confirmed',
          account_id: person.id,
          structure_id: structureId,
          is_primary: structureId === cerbaPractice.structureId,
          created_at: t.clock.now(),
        })
        .execute()
    }
    const grant = async (structureId: string, right: string, approver: Person) => {
      const asked = await t.app.inject({
        method: 'POST',
        url: '/v1/access-requests',
        headers: nurse.headers,
        payload: { structureId, rights: [right], approverId: approver.id },
      })
      expect(asked.statusCode, asked.body).toBe(201)
      const approved = await t.app.inject({
        method: 'POST',
        url: `/v1/approvals/${asked.json().id}/decision`,
        headers: approver.headers,
        payload: { decision: 'approve' },
      })
      expect(approved.statusCode, approved.body).toBe(200)
    }
    await grant(practice.structureId, 'results', doctor)
    await grant(cerbaPractice.structureId, 'invoices', cerbaDoctor)

    const eurofins = await labWithClient(t.app, 'eurofins')
    const { finess } = await t.app.deps.db
      .selectFrom('structures')
      .select('finess')
      .where('id', '=', practice.structureId)
      .executeTakeFirstOrThrow()
    const synced = await t.app.inject({
      method: 'PUT',
      url: '/v1/labs/eurofins/correspondents',
      headers: { ...(await labToken(t.app, eurofins)), 'idempotency-key': 'eurofins-1' },
      payload: {
        items: [{ code: 'EU-1', name: 'Lilas', active: true, structure: { finess, name: 'Lilas' } }],
      },
    })
    expect(synced.json()).toMatchObject({ created: 1, pendingLink: 1 })

    expect((await introspect(tokenOf(nurse), biomnis)).rights).toEqual({
      [practice.structureId]: ['results'],
    })
    expect((await introspect(tokenOf(nurse), cerba)).rights).toEqual({
      [cerbaPractice.structureId]: ['invoices'],
    })
    const waiting = await introspect(tokenOf(nurse), eurofins)
    expect(waiting).toMatchObject({ active: true, sub: nurse.id, rights: {} })
  })

  it('answers the roles the account holds now', async () => {
    const agent = await anAccount(t.app, { roles: ['support'] })
    expect((await introspect(tokenOf(agent))).roles).toEqual(['support'])
    await t.app.deps.db.updateTable('accounts').set({ roles: [] }).where('id', '=', agent.id).execute()
    expect((await introspect(tokenOf(agent))).roles).toEqual([])
  })

  it('is inactive once the session ends or the account is suspended', async () => {
    const leaving = await anAccount(t.app, { profile: 'collaborator' })
    expect((await introspect(tokenOf(leaving))).active).toBe(true)
    await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: leaving.headers })
    expect(await introspect(tokenOf(leaving))).toEqual({ active: false })

    const suspended = await anAccount(t.app, { profile: 'collaborator' })
    const support = await anAccount(t.app, { roles: ['support'] })
    const suspension = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${suspended.id}/suspension`,
      headers: support.headers,
      payload: { reason: 'Compte partagé signalé par le cabinet' },
    })
    expect(suspension.statusCode, suspension.body).toBe(200)
    expect(await introspect(tokenOf(suspended))).toEqual({ active: false })
  })

  it('answers a lab token for its own lab only, and nothing for garbage or another audience', async () => {
    const own = (await labToken(t.app, biomnis)).authorization.replace(/^Bearer /, '')
    expect(await introspect(own)).toMatchObject({
      active: true,
      sub: biomnis.clientId,
      client_id: biomnis.clientId,
    })
    expect(await introspect(own, cerba)).toEqual({ active: false })
    expect(await introspect('not-a-token')).toEqual({ active: false })

    const elsewhere = createTokenService({
      db: t.app.deps.db,
      box: t.app.deps.box,
      clock: t.clock,
      audience: 'another-application',
    })
    const person = await anAccount(t.app)
    const [, payload] = tokenOf(person).split('.')
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString())
    const { token } = await elsewhere.issue({
      typ: 'person',
      sub: claims.sub,
      sid: claims.sid,
      amr: claims.amr,
      auth_time: claims.auth_time,
    })
    expect(await introspect(token)).toEqual({ active: false })
  })
})

describe('the audience of access tokens', () => {
  it('refuses a token made for another audience, or with none', async () => {
    const person = await anAccount(t.app)
    expect((await t.app.inject({ url: '/v1/me', headers: person.headers })).statusCode).toBe(200)
    const [, payload] = tokenOf(person).split('.')
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString())
    const key = await currentSigningKey(t.app.deps.db, t.app.deps.box, t.clock)
    const sign = (aud?: string) =>
      createSigner({
        key: key.privateKeyPem,
        algorithm: 'ES256',
        kid: key.kid,
        iss: 'sesame',
        aud,
        expiresIn: 60_000,
      })({
        typ: 'person',
        sub: claims.sub,
        sid: claims.sid,
        amr: claims.amr,
        auth_time: claims.auth_time,
      })
    for (const token of [sign('another-application'), sign(undefined)]) {
      const response = await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
      expect(response.statusCode).toBe(401)
      expect(response.json().code).toBe('invalid_token')
    }
    expect(
      (await t.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${sign('sesame-api')}` } }))
        .statusCode,
    ).toBe(200)
  })

  it('reads roles from the account, not the token: a role withdrawn stops at once', async () => {
    const agent = await anAccount(t.app, { roles: ['support'] })
    expect((await t.app.inject({ url: '/v1/admin/accounts', headers: agent.headers })).statusCode).toBe(200)
    await t.app.deps.db.updateTable('accounts').set({ roles: [] }).where('id', '=', agent.id).execute()
    expect((await t.app.inject({ url: '/v1/admin/accounts', headers: agent.headers })).statusCode).toBe(403)
  })
})
