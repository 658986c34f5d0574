import { expect } from 'vitest'
import type { TestApp } from './app.ts'
import { anRpps } from './builders.ts'
import type { PscPerson } from './psc-claims.ts'
import { type CallbackParameters, PSC_REDIRECT_URI, type TestPsc } from './psc-provider.ts'

type Headers = { authorization: string }

/** A professional PSC knows, with a fresh RPPS (national identifier `8` + RPPS). */
export function aPscProfessional(psc: TestPsc, overrides: Partial<PscPerson> & { rpps?: string } = {}) {
  const rpps = overrides.rpps ?? anRpps()
  const person: PscPerson = {
    nationalId: `8${rpps}`,
    givenName: 'CLAIRE',
    familyName: 'MARTIN',
    civility: 'MME',
    practiceCivility: 'DR',
    profession: '10',
    ...overrides,
  }
  psc.enrol(person)
  return { ...person, rpps }
}

/**
 * The front-end's part: asks Sésame for the authorization URL (for sign-in, or to link the signed-in
 * account), sends the browser there, and answers what came back to the redirect URI.
 */
export async function throughPsc(
  t: TestApp,
  psc: TestPsc,
  nationalId: string,
  options: {
    link?: Headers
    acr?: string
    cancel?: boolean
    /** Changes the authorization URL before the browser follows it. */
    tamper?: (url: URL) => void
  } = {},
): Promise<CallbackParameters> {
  const started = await t.app.inject({
    method: 'POST',
    url: options.link ? '/v1/me/psc-link/authorizations' : '/v1/auth/psc/authorizations',
    ...(options.link && { headers: options.link }),
    payload: { redirectUri: PSC_REDIRECT_URI },
  })
  expect(started.statusCode, started.body).toBe(201)
  const url = new URL(started.json().authorizationUrl)
  options.tamper?.(url)
  const answer = await psc.signIn(url.href, nationalId, options)
  expect(answer.state).toBe(started.json().state)
  return answer
}

/** The front-end passes on what came back: sign-in, or the link of the signed-in account. */
export const pscCallback = (t: TestApp, parameters: CallbackParameters, link?: Headers) =>
  t.app.inject({
    method: 'POST',
    url: link ? '/v1/me/psc-link' : '/v1/auth/psc/callback',
    ...(link && { headers: link }),
    payload: parameters,
  })

/** What a failed answer must leave as it was. */
export async function writtenRows(t: TestApp) {
  const count = async (table: 'accounts' | 'sessions' | 'audit_events' | 'psc_registration_tokens') =>
    Number(
      (
        await t.app.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const spent = await t.app.deps.db
    .selectFrom('psc_authorizations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('used_at', 'is not', null)
    .executeTakeFirstOrThrow()
  return {
    accounts: await count('accounts'),
    sessions: await count('sessions'),
    audit: await count('audit_events'),
    registrationTokens: await count('psc_registration_tokens'),
    spentStates: Number(spent.n),
    linked: Number(
      (
        await t.app.deps.db
          .selectFrom('accounts')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('psc_national_id', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  }
}
