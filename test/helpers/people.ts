import { expect } from 'vitest'
import type { TestApp } from './app.ts'
import { bearerFor, labToken, labWithClient } from './auth.ts'
import { aFiness, anRpps } from './builders.ts'

export const STRONG_PASSWORD = 'Tournesol-vert-qui-chante-42'

/** Proves an address through the API, reading the code from the mail actually sent. */
export async function proveEmail(
  t: TestApp,
  email: string,
  purpose: 'registration' | 'add_email' | 'mailbox_contact' = 'registration',
) {
  // Each person on their own machine: the per-client throttles are not shared by a whole test file.
  const remoteAddress = `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`
  const requested = await t.app.inject({
    method: 'POST',
    url: '/v1/email-proofs',
    payload: { email, purpose },
    remoteAddress,
  })
  expect(requested.statusCode).toBe(202)
  await t.deliverMail()
  const code = t.mail.lastCode(email)
  const confirmed = await t.app.inject({
    method: 'POST',
    url: `/v1/email-proofs/${requested.json().id}/confirm`,
    payload: { code },
    remoteAddress,
  })
  expect(confirmed.statusCode).toBe(200)
  return confirmed.json().proof as string
}

export interface Practice {
  labId: string
  centerId: string
  structureId: string
  correspondentCode: string
  lab: { authorization: string }
}

/** A lab with a centre, and a practice known to it by a correspondent code (synced through the lab API). */
export async function aPractice(
  t: TestApp,
  labId = `lab-${Math.random().toString(36).slice(2, 8)}`,
  options: { requiresCorrespondentCode?: boolean } = {},
): Promise<Practice> {
  const lab = await labToken(t.app, await labWithClient(t.app, labId, options))
  const key = () => `k-${Math.random()}`
  await t.app.inject({
    method: 'PUT',
    url: `/v1/labs/${labId}/centers`,
    headers: { ...lab, 'idempotency-key': key() },
    payload: { items: [{ code: 'MAIN', name: `${labId} centre` }] },
  })
  const code = `C${Math.floor(Math.random() * 1e8)}`
  const synced = await t.app.inject({
    method: 'PUT',
    url: `/v1/labs/${labId}/correspondents`,
    headers: { ...lab, 'idempotency-key': key() },
    payload: {
      items: [
        {
          code,
          name: 'Cabinet',
          centerCode: 'MAIN',
          active: true,
          structure: {
            finess: aFiness(),
            name: 'Cabinet médical des Lilas',
            postalCode: '81000',
            city: 'Albi',
          },
        },
      ],
    },
  })
  expect(synced.statusCode).toBe(200)
  const lookup = (await t.app.inject({ url: `/v1/correspondent-codes/${code}?labId=${labId}` })).json()
  const labs = (await t.app.inject({ url: '/v1/labs' })).json().items
  const centerId = labs.find((entry: { id: string }) => entry.id === labId).centers[0].id
  return { labId, centerId, structureId: lookup.structure.id, correspondentCode: code, lab }
}

export interface Registrant {
  email: string
  profile?: 'health_professional' | 'collaborator' | 'administrative'
  firstName?: string
  lastName?: string
  password?: string | undefined
  rights?: { results: boolean; invoices: boolean }
  approverId?: string
  extra?: Record<string, unknown>
}

/** Registers through the API (email proof included); answers the HTTP response. */
export async function register(t: TestApp, practice: Practice, person: Registrant) {
  const proof = await proveEmail(t, person.email)
  const professional = (person.profile ?? 'health_professional') === 'health_professional'
  const password = 'password' in person ? person.password : STRONG_PASSWORD
  return t.app.inject({
    method: 'POST',
    url: '/v1/registrations',
    payload: {
      proof,
      profile: person.profile ?? 'health_professional',
      civility: 'MME',
      ...(professional && { practiceCivility: 'DR', profession: '10', rpps: anRpps() }),
      firstName: person.firstName ?? 'Claire',
      lastName: person.lastName ?? 'Martin',
      practicePlaces: [{ structureId: practice.structureId, labCenterId: practice.centerId, primary: true }],
      correspondentCode: practice.correspondentCode,
      ...(person.rights && { rights: person.rights }),
      ...(person.approverId && { approverId: person.approverId }),
      ...(password !== undefined && { password, passwordConfirmation: password }),
      termsVersion: t.app.deps.config.TERMS_VERSION,
      ...person.extra,
    },
  })
}

/** Signs in through the API with the code mailed as second factor; answers the token pair. */
export async function signIn(t: TestApp, email: string, password = STRONG_PASSWORD) {
  const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } })
  expect(login.statusCode, login.body).toBe(200)
  await t.deliverMail()
  const code = t.mail.lastCode(email)
  const tokens = await t.app.inject({
    method: 'POST',
    url: `/v1/auth/login/${login.json().challengeId}`,
    payload: { code },
  })
  expect(tokens.statusCode, tokens.body).toBe(200)
  const pair = tokens.json() as { accessToken: string; refreshToken: string }
  return { ...pair, headers: { authorization: `Bearer ${pair.accessToken}` } }
}

/**
 * Re-authenticates a signed-in person (password, then the mailed code) before a sensitive change;
 * answers the fresh access token's header.
 */
export async function stepUp(
  t: TestApp,
  headers: { authorization: string },
  email: string,
  password = STRONG_PASSWORD,
) {
  const started = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/step-up',
    headers,
    payload: { password },
  })
  expect(started.statusCode, started.body).toBe(202)
  await t.deliverMail()
  const completed = await t.app.inject({
    method: 'POST',
    url: `/v1/auth/step-up/${started.json().challengeId}`,
    headers,
    payload: { code: t.mail.lastCode(email) },
  })
  expect(completed.statusCode, completed.body).toBe(200)
  return { authorization: `Bearer ${completed.json().accessToken}` }
}

/** The support desk validates an account (and so confirms the places given at registration). */
export async function validateAccount(t: TestApp, accountId: string, support?: { authorization: string }) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/admin/accounts/${accountId}/validation`,
    headers: support ?? (await supportAgent(t)),
    payload: { decision: 'validate' },
  })
  expect(response.statusCode, response.body).toBe(200)
}

/** A support agent's bearer header. */
export const supportAgent = (t: TestApp) => bearerFor(t.app, ['support'])
