import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'

describe('security headers: every answer of the API carries those of a JSON API', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { DOCS_ENABLED: 'true' } })
  })
  afterAll(() => t.close())

  it.each([
    ['a probe', 'GET', '/health/live', 200],
    ['a problem', 'GET', '/v1/me', 401],
    ['an unknown path', 'GET', '/nowhere', 404],
    ['a refused body', 'POST', '/v1/auth/login', 400],
  ] as const)('%s (%s %s)', async (_name, method, url, status) => {
    const response = await t.app.inject({ method, url, ...(method === 'POST' && { payload: {} }) })
    expect(response.statusCode).toBe(status)
    expect(response.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'x-permitted-cross-domain-policies': 'none',
    })
    expect(response.headers['x-request-id']).toBeTruthy()
    // Headers for HTML pages, which a JSON API has no use for.
    for (const name of [
      'x-xss-protection',
      'x-dns-prefetch-control',
      'x-download-options',
      'origin-agent-cluster',
    ])
      expect(response.headers[name], name).toBeUndefined()
  })

  it('the docs page sets a policy of its own, which lets Swagger UI’s own scripts and styles load', async () => {
    const response = await t.app.inject({ url: '/docs/' })
    expect(response.statusCode).toBe(200)
    const policy = String(response.headers['content-security-policy'])
    expect(policy).toContain("default-src 'self'")
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("object-src 'none'")
    expect(response.headers['x-frame-options']).toBe('DENY')
  })
})
