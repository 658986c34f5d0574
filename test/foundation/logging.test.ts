import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
const PASSWORD = 'Correct-Horse-Battery-9417'
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.secret-token-value'

beforeAll(async () => {
  t = await createTestApp({
    extend(app) {
      app.post(
        '/test/sign-in',
        {
          schema: {
            body: Type.Object(
              {
                email: Type.String(),
                password: Type.String({ minLength: 12 }),
                code: Type.Optional(Type.String()),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => {
          // Even code that logs a whole body must not leak its secrets.
          request.log.info({ body: request.body, headers: request.headers }, 'signing in')
          throw new Error('database exploded')
        },
      )
      app.get('/test/conflict', async () => {
        throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })
      })
    },
  })
})
afterAll(() => t.close())

describe('logs', () => {
  it('carry the request id on every line of a request', async () => {
    await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'trace-me-1' } })
    const lines = t.logs.map((line) => JSON.parse(line)).filter((line) => line.requestId === 'trace-me-1')
    expect(lines.map((line) => line.msg)).toEqual(['incoming request', 'request completed'])
  })

  it('never contain a password, code, token or authorization header', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` }
    await t.app.inject({
      method: 'POST',
      url: '/test/sign-in',
      headers,
      payload: { email: 'claire@example.org', password: PASSWORD, code: '123456' },
    })
    await t.app.inject({
      method: 'POST',
      url: '/test/sign-in',
      headers,
      payload: { email: 'claire@example.org', password: PASSWORD, unexpected: PASSWORD },
    })
    const all = t.logs.join('\n')
    expect(all).toContain('signing in')
    expect(all).toContain('[redacted]')
    expect(all).not.toContain(PASSWORD)
    expect(all).not.toContain('123456')
    expect(all).not.toContain('secret-token-value')
  })

  it('keep the code of an error, such as PostgreSQL’s SQLSTATE', async () => {
    const response = await t.app.inject({ url: '/test/conflict' })
    const line = t.logs
      .map((entry) => JSON.parse(entry))
      .find((entry) => entry.requestId === response.headers['x-request-id'] && entry.err)
    expect(line.err.code).toBe('23505')
  })
})
