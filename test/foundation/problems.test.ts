import { connect } from 'node:net'
import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conflict, forbidden, unauthorized } from '../../src/shared/errors.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp({
    env: { BODY_LIMIT_BYTES: '2048' },
    extend(app) {
      app.post(
        '/test/echo',
        {
          schema: {
            body: Type.Object(
              {
                email: Type.String({ format: 'email' }),
                age: Type.Integer({ minimum: 0 }),
                role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
              },
              { additionalProperties: false },
            ),
            querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1 })) }),
            response: { 200: Type.Object({ ok: Type.Boolean(), limit: Type.Optional(Type.Integer()) }) },
          },
        },
        async (request) => ({ ok: true, limit: request.query.limit }),
      )
      app.get('/test/boom', async () => {
        throw new Error(
          'duplicate key value violates unique constraint "accounts_email_key" at SELECT * FROM accounts',
        )
      })
      app.get('/test/database-down', async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })
      })
      app.get('/test/deadlock', async () => {
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' })
      })
      app.get('/test/unauthorized', async () => {
        throw unauthorized()
      })
      app.get('/test/forbidden', async () => {
        throw forbidden()
      })
      app.get('/test/conflict', async () => {
        throw conflict('already_decided', 'This request was already decided.')
      })
    },
  })
})
afterAll(() => t.close())

const valid = { email: 'claire.martin@example.org', age: 41, role: 'user' }

describe('errors are RFC 9457 problems', () => {
  it('answers an unknown route with a problem 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toEqual({
      type: 'urn:sesame:problem:not_found',
      title: 'Not Found',
      status: 404,
      detail: 'There is nothing at this address.',
      instance: '/v1/nothing-here',
      code: 'not_found',
      requestId: response.headers['x-request-id'],
    })
  })

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/health/live' })
    expect(response.statusCode).toBe(405)
    expect(response.headers.allow).toBe('GET, HEAD')
    expect(response.json()).toMatchObject({ status: 405, code: 'method_not_allowed' })
  })

  it('names every failing field, including unknown properties, and never strips them', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { email: 'not-an-email', age: -1, role: 'root', isAdmin: true },
    })
    expect(response.statusCode).toBe(400)
    const body = response.json()
    expect(body).toMatchObject({ status: 400, code: 'validation_failed', title: 'Bad Request' })
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { in: 'body', field: 'email', message: 'must match format "email"' },
        { in: 'body', field: 'age', message: 'must be >= 0' },
        { in: 'body', field: 'role', message: 'must be one of: admin, user' },
        { in: 'body', field: 'isAdmin', message: 'is not an accepted property' },
      ]),
    )
    expect(body.errors).toHaveLength(4)
  })

  it('names missing fields', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { email: valid.email },
    })
    expect(response.statusCode).toBe(400)
    expect(
      response
        .json()
        .errors.map((error: { field: string }) => error.field)
        .sort(),
    ).toEqual(['age', 'role'])
  })

  it('does not coerce body types, but does coerce the query string', async () => {
    const coerced = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { ...valid, age: '41' },
    })
    expect(coerced.statusCode).toBe(400)
    expect(coerced.json().errors).toEqual([{ in: 'body', field: 'age', message: 'must be integer' }])

    const ok = await t.app.inject({ method: 'POST', url: '/test/echo?limit=5', payload: valid })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ ok: true, limit: 5 })

    const badQuery = await t.app.inject({ method: 'POST', url: '/test/echo?limit=zero', payload: valid })
    expect(badQuery.json().errors).toEqual([
      { in: 'querystring', field: 'limit', message: 'must be integer' },
    ])
  })

  it('refuses malformed JSON, other media types and oversized bodies', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().code).toBe('malformed_body')

    const xml = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    expect(xml.statusCode).toBe(415)
    expect(xml.json().code).toBe('unsupported_media_type')

    const large = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { ...valid, pad: 'x'.repeat(4096) },
    })
    expect(large.statusCode).toBe(413)
    expect(large.json().code).toBe('payload_too_large')
  })

  it('maps domain errors to their status and code', async () => {
    const unauthorizedResponse = await t.app.inject({ method: 'GET', url: '/test/unauthorized' })
    expect(unauthorizedResponse.statusCode).toBe(401)
    expect(unauthorizedResponse.headers['www-authenticate']).toBe('Bearer')
    expect(unauthorizedResponse.json().code).toBe('unauthorized')
    expect((await t.app.inject({ method: 'GET', url: '/test/forbidden' })).json()).toMatchObject({
      status: 403,
      code: 'forbidden',
    })
    expect((await t.app.inject({ method: 'GET', url: '/test/conflict' })).json()).toMatchObject({
      status: 409,
      code: 'already_decided',
      detail: 'This request was already decided.',
    })
  })

  it('answers a database out of reach with 503 and Retry-After, saying nothing of where it is', async () => {
    const response = await t.app.inject({ url: '/test/database-down' })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('5')
    expect(response.json()).toMatchObject({ code: 'database_unavailable' })
    expect(response.body).not.toContain('10.0.0.5')
  })

  it('answers transactions caught in a deadlock with 409, to try again', async () => {
    const response = await t.app.inject({ url: '/test/deadlock' })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ code: 'concurrent_change' })
  })

  it('never leaks a stack or SQL in a 500', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/boom' })
    expect(response.statusCode).toBe(500)
    const text = response.body
    expect(text).not.toMatch(/SELECT|accounts_email_key|at .*\.ts/)
    expect(response.json()).toMatchObject({
      code: 'internal_error',
      requestId: response.headers['x-request-id'],
    })
    // The cause is in the log, under the same request id.
    const line = t.logs.find((entry) => entry.includes('accounts_email_key'))
    expect(line).toContain(response.headers['x-request-id'])
  })
})

describe('errors before routing and before parsing are problems too', () => {
  beforeAll(() => t.app.listen({ port: 0, host: '127.0.0.1' }))
  const isLogged = (requestId: unknown) =>
    t.logs.some((line) => JSON.parse(line).requestId === requestId && /refused/.test(JSON.parse(line).msg))

  it.each([
    ['a malformed escape', '/v1/structures/%ZZ'],
    ['an overlong UTF-8 dot', '/v1/structures/%C0%AE%C0%AE'],
  ])('%s in the URL is a 400 problem with a request id and a log line', async (_case, url) => {
    const response = await t.app.inject({ url })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    const requestId = response.headers['x-request-id']
    expect(response.json()).toMatchObject({ code: 'malformed_url', requestId })
    expect(isLogged(requestId)).toBe(true)
  })

  it('a path parameter over the length limit is a 414 problem that does not echo the whole path', async () => {
    const long = 'x'.repeat(5000)
    const response = await t.app.inject({ url: `/v1/identifiers/rpps/${long}` })
    expect(response.statusCode).toBe(414)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toMatchObject({
      code: 'uri_too_long',
      requestId: response.headers['x-request-id'],
    })
    expect(response.body.length).toBeLessThan(1000)
    expect(isLogged(response.headers['x-request-id'])).toBe(true)
  })

  it.each([
    [
      'oversized headers',
      431,
      'headers_too_large',
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    ['bytes that are not HTTP', 400, 'malformed_request', 'NOT HTTP AT ALL\r\n\r\n'],
  ])(
    '%s get a %i problem on the socket, with a request id and a log line',
    async (_case, status, code, raw) => {
      const address = t.app.server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const socket = connect(port, '127.0.0.1')
      socket.write(raw)
      const chunks: Buffer[] = []
      for await (const chunk of socket) chunks.push(chunk as Buffer)
      const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n')
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
      expect(head).toMatch(/content-type: application\/problem\+json/i)
      const requestId = /x-request-id: (\S+)/i.exec(head)?.[1]
      expect(JSON.parse(body)).toMatchObject({ status, code, requestId })
      expect(isLogged(requestId)).toBe(true)
    },
  )
})

describe('request ids', () => {
  it('keeps a sane x-request-id and returns it', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'lis-42.abc' },
    })
    expect(response.headers['x-request-id']).toBe('lis-42.abc')
    expect(t.logs.some((line) => JSON.parse(line).requestId === 'lis-42.abc')).toBe(true)
  })

  it('replaces an unsafe one and generates one when absent', async () => {
    const unsafe = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'bad id\n{"level":60}' },
    })
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const none = await t.app.inject({ method: 'GET', url: '/health/live' })
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(none.headers['x-request-id']).not.toBe(unsafe.headers['x-request-id'])
  })
})
