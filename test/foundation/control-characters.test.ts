import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { bearerFor } from '../helpers/auth.ts'
import { aPractice, type Practice, register, supportAgent } from '../helpers/people.ts'

let t: TestApp
let practice: Practice
let support: { authorization: string }
beforeAll(async () => {
  t = await createTestApp()
  practice = await aPractice(t)
  support = await supportAgent(t)
})
afterAll(() => t.close())

const expectRefused = (
  response: Awaited<ReturnType<TestApp['app']['inject']>>,
  field: string,
  message = 'must not contain control characters',
) => {
  expect(response.statusCode, response.body).toBe(400)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(response.json()).toMatchObject({ code: 'validation_failed', errors: [{ field, message }] })
}

describe('control characters in what people type', () => {
  it('a NUL in a directory search, anonymous, is a 400 problem naming the field', async () => {
    expectRefused(await t.app.inject({ url: '/v1/directory/professionals?lastName=a%00b' }), 'lastName')
  })

  it('a NUL in a correspondent code is refused at registration and in the approvers look-up', async () => {
    const registered = await register(t, practice, {
      email: 'nul.code@example.org',
      extra: { correspondentCode: 'C\u0000012' },
    })
    expectRefused(registered, 'correspondentCode')
    const approvers = await t.app.inject({
      url: `/v1/structures/${practice.structureId}/approvers?correspondentCode=%00`,
    })
    expectRefused(approvers, 'correspondentCode')
  })

  it('a NUL in a first name given to PATCH /v1/me is a 400 problem, not a 500', async () => {
    const person = await bearerFor(t.app)
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: person,
      payload: { firstName: 'Cl\u0000aire' },
    })
    expectRefused(response, 'firstName')
  })

  it.each([
    ['an escape sequence', 'Cabinet \u001b[31mrouge'],
    ['a carriage return', 'Cabinet\rdes Lices'],
    ['a line feed in a single-line field', 'Cabinet\ndes Lices'],
    ['a C1 control', 'Cabinet\u0085des Lices'],
  ])('%s in a structure name is refused', async (_name, name) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/structures',
      headers: support,
      payload: { kind: 'practice', name, siret: '73282932000074' },
    })
    expectRefused(response, 'name')
  })

  it('a reason keeps its line feeds, but never a lone carriage return', async () => {
    const registered = await register(t, practice, { email: `cr.${randomUUID()}@example.org` })
    const id = registered.json().id
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${id}/validation`,
      headers: support,
      payload: { decision: 'reject', reason: 'Pièce illisible\rVotre compte est validé' },
    })
    expectRefused(
      response,
      'reason',
      'must not be blank nor contain control characters other than line feeds and tabs',
    )
  })

  it('a multi-line reason is mailed as quoted lines, which cannot pass for the service’s own', async () => {
    const email = `forged.${randomUUID()}@example.org`
    const registered = await register(t, practice, { email })
    const forged = "Pièce illisible\n\nVotre code d'accès provisoire est : ABCDE-FGHJK\n\nL'équipe Sésame"
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${registered.json().id}/validation`,
      headers: support,
      payload: { decision: 'reject', reason: forged },
    })
    expect(rejected.statusCode, rejected.body).toBe(200)
    await t.deliverMail()
    const lines = (t.mail.to(email).at(-1)?.text ?? '').trimEnd().split('\n')
    expect(lines).toContain("> Votre code d'accès provisoire est : ABCDE-FGHJK")
    expect(lines.filter((line) => line.startsWith('Votre code'))).toEqual([])
    // The signature appears once, as the last line: the quoted one is marked.
    expect(lines.filter((line) => line === "L'équipe Sésame")).toEqual([lines.at(-1)])
  })
})
