import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor, labToken, labWithClient } from '../helpers/auth.ts'
import { aCorrespondent, aSiret } from '../helpers/builders.ts'

let t: TestApp
let biomnis: { authorization: string }
let cerba: { authorization: string }
let biomnisClient: { clientId: string; clientSecret: string }

beforeAll(async () => {
  t = await createTestApp()
  biomnisClient = await labWithClient(t.app, 'biomnis')
  biomnis = await labToken(t.app, biomnisClient)
  cerba = await labToken(t.app, await labWithClient(t.app, 'cerba'))
})
afterAll(() => t.close())

const put = (path: string, headers: Record<string, string>, payload: object, key?: string) =>
  t.app.inject({
    method: 'PUT',
    url: path,
    headers: { ...headers, ...(key && { 'idempotency-key': key }) },
    payload,
  })

describe('client credentials (RFC 6749 §4.4)', () => {
  it('issues a 15-minute bearer token to a client authenticated by Basic or by the form', async () => {
    const form = await t.app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${biomnisClient.clientId}&client_secret=${biomnisClient.clientSecret}`,
    })
    expect(form.statusCode).toBe(200)
    expect(form.headers['cache-control']).toBe('no-store')
    expect(form.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 })
  })

  it('answers the RFC error codes', async () => {
    const token = (payload: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload,
      })
    const wrongSecret = await token(
      `grant_type=client_credentials&client_id=${biomnisClient.clientId}&client_secret=nope`,
    )
    expect(wrongSecret.statusCode).toBe(401)
    expect(wrongSecret.json().error).toBe('invalid_client')
    const unknown = await token('grant_type=client_credentials&client_id=not-a-client&client_secret=x')
    expect(unknown.json()).toEqual(wrongSecret.json())
    const basicWrong = await token('grant_type=client_credentials', {
      authorization: `Basic ${Buffer.from(`${biomnisClient.clientId}:bad`).toString('base64')}`,
    })
    expect(basicWrong.statusCode).toBe(401)
    expect(basicWrong.headers['www-authenticate']).toMatch(/^Basic/)
    expect((await token('grant_type=password&username=a&password=b')).json().error).toBe(
      'unsupported_grant_type',
    )
    expect((await token('client_id=x')).json().error).toBe('invalid_request')
  })

  it('stops working at once when support revokes the client', async () => {
    const client = await labWithClient(t.app, 'biomnis')
    const headers = await labToken(t.app, client)
    expect((await t.app.inject({ url: '/v1/labs/biomnis/correspondents', headers })).statusCode).toBe(200)
    const support = await bearerFor(t.app, ['support'])
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/admin/labs/biomnis/clients/${client.clientId}`,
      headers: support,
    })
    expect(revoked.statusCode).toBe(204)
    expect((await t.app.inject({ url: '/v1/labs/biomnis/correspondents', headers })).statusCode).toBe(401)
    await expect(labToken(t.app, client)).rejects.toThrow(/invalid_client/)
  })
})

describe('who may call the lab API', () => {
  it('refuses another lab’s token, a person’s token, and no token', async () => {
    expect((await t.app.inject({ url: '/v1/labs/biomnis/correspondents', headers: cerba })).statusCode).toBe(
      403,
    )
    const person = await bearerFor(t.app, ['support'])
    expect((await t.app.inject({ url: '/v1/labs/biomnis/correspondents', headers: person })).statusCode).toBe(
      403,
    )
    expect((await t.app.inject({ url: '/v1/labs/biomnis/correspondents' })).statusCode).toBe(401)
    const write = await put(
      '/v1/labs/biomnis/correspondents',
      cerba,
      { items: [aCorrespondent('X1')] },
      'k-cross',
    )
    expect(write.statusCode).toBe(403)
  })

  it('refuses lab administration to anyone but support', async () => {
    const person = await bearerFor(t.app, [])
    expect(
      (await put('/v1/admin/labs/evil', person, { name: 'x', requiresCorrespondentCode: false })).statusCode,
    ).toBe(403)
    expect(
      (await put('/v1/admin/labs/evil', biomnis, { name: 'x', requiresCorrespondentCode: false })).statusCode,
    ).toBe(403)
    expect(
      (await put('/v1/admin/labs/evil', {}, { name: 'x', requiresCorrespondentCode: false })).statusCode,
    ).toBe(401)
  })
})

describe('correspondent sync', () => {
  it('creates, updates and counts unchanged codes, and structures are matched by FINESS then SIRET', async () => {
    await put(
      '/v1/labs/biomnis/centers',
      biomnis,
      { items: [{ code: 'LYON', name: 'Biomnis Lyon', city: 'Lyon' }] },
      'c-1',
    )
    const siret = aSiret()
    const first = [
      aCorrespondent('A100'),
      aCorrespondent('A200', { centerCode: 'LYON' }),
      aCorrespondent('A300', { structure: { siret, name: 'Pharmacie du Centre' } }),
    ]
    const created = await put('/v1/labs/biomnis/correspondents', biomnis, { items: first }, 'sync-1')
    expect(created.statusCode).toBe(200)
    expect(created.json()).toEqual({ created: 3, updated: 0, unchanged: 0, pendingLink: 0 })

    const second = [
      first[0],
      { ...first[1], name: 'Cabinet renommé' },
      aCorrespondent('A400', { structure: { siret, name: 'Other name' } }),
    ]
    const updated = await put('/v1/labs/biomnis/correspondents', biomnis, { items: second }, 'sync-2')
    expect(updated.json()).toEqual({ created: 1, updated: 1, unchanged: 1, pendingLink: 0 })

    const lookup = await t.app.inject({ url: '/v1/correspondent-codes/A400?labId=biomnis' })
    const sameStructure = await t.app.inject({ url: '/v1/correspondent-codes/A300?labId=biomnis' })
    expect(lookup.json().structure.id).toBe(sameStructure.json().structure.id)
    expect(lookup.json().structure).toMatchObject({ name: 'Pharmacie du Centre', siret })
    const withCenter = await t.app.inject({ url: '/v1/correspondent-codes/A200' })
    expect(withCenter.json()).toMatchObject({
      lab: { id: 'biomnis' },
      center: { code: 'LYON', name: 'Biomnis Lyon' },
    })
  })

  it('lists every bad item with index, code, field and reason, and writes nothing', async () => {
    const before = await t.app.deps.db
      .selectFrom('correspondent_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const items = [
      aCorrespondent('OK1'),
      aCorrespondent('BAD1', { centerCode: 'NOWHERE' }),
      aCorrespondent('BAD2', { structure: { name: 'No identifier' } }),
      aCorrespondent('BAD3', { structure: { siret: '12345678901234', name: 'Bad check digit' } }),
      aCorrespondent('OK1'),
      { ...aCorrespondent('BAD4'), surprise: true },
    ]
    const response = await put('/v1/labs/biomnis/correspondents', biomnis, { items }, 'bad-batch')
    expect(response.statusCode).toBe(422)
    expect(response.json().code).toBe('invalid_items')
    expect(response.json().errors).toEqual([
      expect.objectContaining({ index: 5, code: 'BAD4', field: 'surprise', reason: 'unknown_property' }),
    ])
    const semantic = await put(
      '/v1/labs/biomnis/correspondents',
      biomnis,
      { items: items.slice(0, 5) },
      'bad-batch-2',
    )
    expect(semantic.statusCode).toBe(422)
    expect(
      semantic.json().errors.map((e: Record<string, unknown>) => [e.index, e.code, e.field, e.reason]),
    ).toEqual([
      [1, 'BAD1', 'centerCode', 'unknown_center'],
      [2, 'BAD2', 'structure', 'identifier_required'],
      [3, 'BAD3', 'structure.siret', 'invalid_check_digit'],
      [4, 'OK1', 'code', 'duplicate_code'],
    ])
    const after = await t.app.deps.db
      .selectFrom('correspondent_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
    expect((await t.app.inject({ url: '/v1/correspondent-codes/OK1?labId=biomnis' })).statusCode).toBe(404)
  })

  it('requires an Idempotency-Key on bulk writes, and a well-formed one', async () => {
    for (const path of ['/v1/labs/biomnis/correspondents', '/v1/labs/biomnis/centers']) {
      const items = path.endsWith('centers') ? [{ code: 'NK1', name: 'Albi' }] : [aCorrespondent('NK1')]
      const missing = await put(path, biomnis, { items })
      expect(missing.statusCode).toBe(400)
      expect(missing.json().code).toBe('idempotency_key_required')
      for (const key of ['k'.repeat(256), 'two words', 'clé']) {
        const malformed = await put(path, biomnis, { items }, key)
        expect(malformed.statusCode, key).toBe(400)
        expect(malformed.json().code, key).toBe('invalid_idempotency_key')
      }
    }
  })

  it('replays the stored response for the same key and payload, and refuses the key with another payload', async () => {
    const payload = { items: [aCorrespondent('R1'), aCorrespondent('R2')] }
    const first = await put('/v1/labs/biomnis/correspondents', biomnis, payload, 'replay-key')
    const again = await put('/v1/labs/biomnis/correspondents', biomnis, payload, 'replay-key')
    expect(first.json()).toEqual({ created: 2, updated: 0, unchanged: 0, pendingLink: 0 })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')
    const other = await put(
      '/v1/labs/biomnis/correspondents',
      biomnis,
      { items: [aCorrespondent('R3')] },
      'replay-key',
    )
    expect(other.statusCode).toBe(422)
    expect(other.json().code).toBe('idempotency_key_reused')
    // Keys belong to a client: another lab may use the same key freely.
    const cerbaWrite = await put(
      '/v1/labs/cerba/correspondents',
      cerba,
      { items: [aCorrespondent('R1')] },
      'replay-key',
    )
    expect(cerbaWrite.json()).toEqual({ created: 1, updated: 0, unchanged: 0, pendingLink: 0 })
  })

  it('answers 409 to the same key while the first request is still in flight', async () => {
    const payload = { items: Array.from({ length: 2000 }, (_, i) => aCorrespondent(`CC${i}`)) }
    const [a, b] = await Promise.all([
      put('/v1/labs/biomnis/correspondents', biomnis, payload, 'concurrent-key'),
      put('/v1/labs/biomnis/correspondents', biomnis, payload, 'concurrent-key'),
    ])
    const statuses = [a.statusCode, b.statusCode].sort()
    // One did the work; the other either arrived while it ran (409) or after (an identical replay).
    expect([a, b].filter((r) => r.statusCode === 200 && !r.headers['idempotent-replayed'])).toHaveLength(1)
    expect(statuses[1] === 409 || (b.json().created === 2000 && a.json().created === 2000)).toBe(true)
    const rows = await t.app.deps.db
      .selectFrom('correspondent_codes')
      .select('code')
      .where('code', 'like', 'CC%')
      .execute()
    expect(rows).toHaveLength(2000)
  })

  it('answers 409 deterministically while the first request with a key is still running', async () => {
    const payload = { items: [{ code: 'HELD', name: 'Held centre' }] }
    expect((await put('/v1/labs/biomnis/centers', biomnis, payload, 'held')).statusCode).toBe(200)
    // As if that first request had not finished yet:
    await t.app.deps.db
      .updateTable('idempotency_keys')
      .set({ status: 'in_flight' })
      .where('key', '=', 'held')
      .execute()
    const response = await put('/v1/labs/biomnis/centers', biomnis, payload, 'held')
    expect(response.statusCode).toBe(409)
    expect(response.json().code).toBe('idempotency_key_in_flight')
  })

  it('pages through codes changed since a date, and deactivates one keeping its history', async () => {
    t.clock.advance(1000)
    const since = t.clock.now().toISOString()
    await put(
      '/v1/labs/cerba/correspondents',
      cerba,
      { items: ['P1', 'P2', 'P3'].map((code) => aCorrespondent(code)) },
      'page-1',
    )
    const firstPage = await t.app.inject({
      url: `/v1/labs/cerba/correspondents?updatedSince=${since}&limit=2`,
      headers: cerba,
    })
    expect(firstPage.json().items.map((item: { code: string }) => item.code)).toEqual(['P1', 'P2'])
    const secondPage = await t.app.inject({
      url: `/v1/labs/cerba/correspondents?updatedSince=${since}&limit=2&cursor=${firstPage.json().nextCursor}`,
      headers: cerba,
    })
    expect(secondPage.json()).toMatchObject({ items: [{ code: 'P3' }], nextCursor: null })

    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/v1/labs/cerba/correspondents/P2',
      headers: cerba,
    })
    expect(removed.statusCode).toBe(204)
    expect((await t.app.inject({ url: '/v1/correspondent-codes/P2?labId=cerba' })).statusCode).toBe(404)
    const history = await t.app.deps.db
      .selectFrom('correspondent_codes')
      .selectAll()
      .where('lab_id', '=', 'cerba')
      .where('code', '=', 'P2')
      .executeTakeFirstOrThrow()
    expect(history).toMatchObject({ active: false })
    expect(history.deactivated_at).toBeInstanceOf(Date)
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1/labs/cerba/correspondents/NOPE', headers: cerba }))
        .statusCode,
    ).toBe(404)
  })
})
