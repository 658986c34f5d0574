import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

const PORTAL = 'http://localhost:5173'

/** What a browser sends before a cross-origin POST with a JSON body and a bearer token. */
const preflight = (t: TestApp, origin: string, url = '/v1/auth/login') =>
  t.app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key,x-request-id',
    },
  })

describe('CORS outside production: the portal in development calls the API from the browser', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('answers the portal’s preflight with 204, the methods and headers the API uses', async () => {
    const response = await preflight(t, PORTAL)
    expect(response.statusCode).toBe(204)
    expect(response.headers['access-control-allow-origin']).toBe(PORTAL)
    expect(String(response.headers['access-control-allow-methods']).split(/,\s*/)).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
    ])
    expect(String(response.headers['access-control-allow-headers']).split(/,\s*/)).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
      'x-request-id',
    ])
    expect(response.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('lets the portal read x-request-id on the actual response', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { origin: PORTAL },
      payload: { email: 'nobody@example.org', password: 'Tournesol-vert-qui-chante-42' },
    })
    expect(response.headers['access-control-allow-origin']).toBe(PORTAL)
    expect(String(response.headers['access-control-expose-headers']).split(/,\s*/)).toContain('x-request-id')
    expect(response.headers['x-request-id']).toBeTruthy()
  })

  it('gives another origin no CORS header, so its browser refuses the call', async () => {
    const response = await preflight(t, 'https://elsewhere.example.org')
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('CORS origins', () => {
  it('default to the portal’s origin outside production, to none in production', () => {
    expect(loadConfig({}).CORS_ORIGINS).toEqual([PORTAL])
    expect(loadConfig({ PORTAL_URL: 'https://portail.example.org/app/' }).CORS_ORIGINS).toEqual([
      'https://portail.example.org',
    ])
    expect(
      loadConfig({
        NODE_ENV: 'production',
        SECRET_KEY: 'ab'.repeat(32),
        MSSANTE_DOMAIN: 'mssante.example.org',
      }).CORS_ORIGINS,
    ).toEqual([])
  })

  it('are exactly CORS_ORIGINS when it is set', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.org' }).CORS_ORIGINS).toEqual([
      'https://a.example.org',
    ])
  })

  it('in production, the portal’s preflight gets no CORS header unless CORS_ORIGINS names it', async () => {
    const secret = randomBytes(32).toString('hex')
    const closed = await createTestApp({
      env: { NODE_ENV: 'production', SECRET_KEY: secret, MSSANTE_DOMAIN: 'mssante.example.org' },
    })
    try {
      expect((await preflight(closed, PORTAL)).headers['access-control-allow-origin']).toBeUndefined()
    } finally {
      await closed.close()
    }
    const open = await createTestApp({
      env: {
        NODE_ENV: 'production',
        SECRET_KEY: secret,
        MSSANTE_DOMAIN: 'mssante.example.org',
        CORS_ORIGINS: PORTAL,
      },
    })
    try {
      const response = await preflight(open, PORTAL, '/v1/me')
      expect(response.statusCode).toBe(204)
      expect(response.headers['access-control-allow-origin']).toBe(PORTAL)
    } finally {
      await open.close()
    }
  })
})
