import { randomUUID } from 'node:crypto'
import type { App } from '../../src/app.ts'

/** A bearer header for a person with these roles (support desk, or none). */
export async function bearerFor(app: App, roles: string[] = [], sub: string = randomUUID()) {
  const { token } = await app.tokens.issue({
    typ: 'person',
    sub,
    sid: randomUUID(),
    roles,
    amr: ['pwd', 'otp'],
    auth_time: Math.floor(Date.now() / 1000),
  })
  return { authorization: `Bearer ${token}` }
}

/** Creates a lab (as support) and a machine client of it; returns the client's credentials. */
export async function labWithClient(
  app: App,
  labId: string,
  options: { requiresCorrespondentCode?: boolean } = {},
) {
  const support = await bearerFor(app, ['support'])
  const lab = await app.inject({
    method: 'PUT',
    url: `/v1/admin/labs/${labId}`,
    headers: support,
    payload: {
      name: `Laboratoire ${labId}`,
      requiresCorrespondentCode: options.requiresCorrespondentCode ?? true,
    },
  })
  if (lab.statusCode !== 200) throw new Error(`lab: ${lab.body}`)
  const client = await app.inject({
    method: 'POST',
    url: `/v1/admin/labs/${labId}/clients`,
    headers: support,
    payload: { name: `${labId} LIS` },
  })
  if (client.statusCode !== 201) throw new Error(`client: ${client.body}`)
  return client.json() as { clientId: string; clientSecret: string }
}

/** A lab token through the real OAuth endpoint (client credentials, HTTP Basic). */
export async function labToken(app: App, credentials: { clientId: string; clientSecret: string }) {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')
  const response = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  })
  if (response.statusCode !== 200) throw new Error(`token: ${response.body}`)
  return { authorization: `Bearer ${response.json().access_token}` }
}
