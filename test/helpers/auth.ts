import { randomUUID } from 'node:crypto'
import type { App } from '../../src/app.ts'
import { openSession } from '../../src/auth/sessions.ts'
import type { AccountProfile } from '../../src/db/schema.ts'
import { anRpps } from './builders.ts'

/**
 * A bearer header for a new active account with these roles: a test-data builder (the account, its
 * address and an open session are written directly). Journeys sign in through the API instead.
 */
export async function bearerFor(
  app: App,
  roles: string[] = [],
  options: { profile?: AccountProfile; email?: string } = {},
) {
  const person = await anAccount(app, { roles, ...options })
  return person.headers
}

export async function anAccount(
  app: App,
  options: { roles?: string[]; profile?: AccountProfile; email?: string; rpps?: string } = {},
) {
  const now = app.deps.clock.now()
  const profile = options.profile ?? 'administrative'
  const account = await app.deps.db
    .insertInto('accounts')
    .values({
      status: 'active',
      profile,
      roles: options.roles ?? [],
      civility: 'MME',
      first_name: 'Test',
      last_name: `Person ${randomUUID().slice(0, 8)}`,
      rpps: profile === 'health_professional' ? (options.rpps ?? anRpps()) : null,
      profession_code: profile === 'health_professional' ? '10' : null,
      terms_version: app.deps.config.TERMS_VERSION,
      terms_accepted_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const email = options.email ?? `person.${randomUUID()}@example.org`
  await app.deps.db
    .insertInto('account_emails')
    .values({
      account_id: account.id,
      address: email,
      address_key: email.toLowerCase(),
      is_login: true,
      is_notification: true,
      verified_at: now,
      created_at: now,
    })
    .execute()
  const { session } = await openSession(
    { db: app.deps.db, clock: app.deps.clock, secrets: app.deps.secrets, ttlDays: 30 },
    { accountId: account.id, amr: ['pwd', 'otp', 'mfa'], authTime: now },
  )
  const { token } = await app.deps.tokens.issue({
    typ: 'person',
    sub: account.id,
    sid: session.id,
    amr: ['pwd', 'otp', 'mfa'],
    auth_time: Math.floor(now.getTime() / 1000),
  })
  return { id: account.id, email, headers: { authorization: `Bearer ${token}` } }
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
