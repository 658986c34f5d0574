import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { aPractice, register, signIn } from '../helpers/people.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('core account flow', () => {
  it('registers, is activated, signs in with the mailed code, and reads /v1/me', async () => {
    const practice = await aPractice(t)
    const registered = await register(t, practice, { email: 'claire.martin@example.org' })
    expect(registered.statusCode, registered.body).toBe(201)
    expect(registered.json().status).toBe('pending_validation')
    await t.app.deps.db
      .updateTable('accounts')
      .set({ status: 'active' })
      .where('id', '=', registered.json().id)
      .execute()
    const session = await signIn(t, 'claire.martin@example.org')
    const me = await t.app.inject({ url: '/v1/me', headers: session.headers })
    expect(me.statusCode, me.body).toBe(200)
    expect(me.json()).toMatchObject({
      status: 'active',
      firstName: 'Claire',
      emails: [{ address: 'claire.martin@example.org', isLogin: true }],
    })
    expect(me.json().rights).toEqual([
      {
        structureId: practice.structureId,
        structureName: 'Cabinet médical des Lilas',
        rights: ['invoices', 'results'],
      },
    ])
  })
})
