import { accountByLoginAddress } from '../../src/accounts/repository.ts'
import { createSupportAccount } from '../../src/accounts/support-desk.ts'
import type { App } from '../../src/app.ts'
import type { Config } from '../../src/config.ts'
import { syncCenters, syncCorrespondents } from '../../src/labs/sync.ts'
import {
  DEMO_CENTERS,
  DEMO_CORRESPONDENTS,
  DEMO_DOCTOR,
  DEMO_LAB,
  DEMO_PASSWORD,
  DEMO_SECRETARY,
  DEMO_SUPPORT,
  type DemoPerson,
} from './data.ts'

/** How the loader reads the codes the service emails (to prove addresses and to sign in). */
export interface DemoMail {
  /** Sends what is due, then answers the last 6-digit code mailed to the address. */
  lastCode(address: string): Promise<string>
}

export class DemoRefusedError extends Error {
  constructor() {
    super('Demo data is for development machines: refused with NODE_ENV=production.')
    this.name = 'DemoRefusedError'
  }
}

export function refuseInProduction(config: Pick<Config, 'NODE_ENV'>): void {
  if (config.NODE_ENV === 'production') throw new DemoRefusedError()
}

type Headers = Record<string, string>

/**
 * Loads the demo data through the service's own API and rules, as a portal and a lab would, and only
 * what is missing: run again, it changes nothing. Answers what it created this time.
 */
export async function loadDemoData(app: App, mail: DemoMail): Promise<string[]> {
  refuseInProduction(app.deps.config)
  const created: string[] = []
  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    headers: Headers = {},
    payload?: object,
  ) => {
    const response = await app.inject({ method, url, headers, ...(payload && { payload }) })
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`)
    return response.body ? response.json() : undefined
  }
  const signIn = async (email: string): Promise<Headers> => {
    const { challengeId } = await call('POST', '/v1/auth/login', {}, { email, password: DEMO_PASSWORD })
    const code = await mail.lastCode(email)
    const { accessToken } = await call('POST', `/v1/auth/login/${challengeId}`, {}, { code })
    return { authorization: `Bearer ${accessToken}` }
  }
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined
    return () => {
      made ??= make()
      return made
    }
  }

  // The support agent, with the demo password.
  if (!(await accountByLoginAddress(app.deps.db, DEMO_SUPPORT.email))) {
    const agent = await createSupportAccount(app.deps, DEMO_SUPPORT)
    await call(
      'POST',
      '/v1/auth/activation',
      {},
      {
        email: agent.email,
        provisionalCode: agent.provisionalCode,
        password: DEMO_PASSWORD,
        passwordConfirmation: DEMO_PASSWORD,
      },
    )
    created.push(DEMO_SUPPORT.role)
  }
  const support = once(() => signIn(DEMO_SUPPORT.email))

  // The lab, its centres, and the practices it knows by correspondent code (upserts: unchanged when there).
  const labs: { id: string }[] = (await call('GET', '/v1/labs')).items
  if (!labs.some((lab) => lab.id === DEMO_LAB.id)) {
    const { id, ...settings } = DEMO_LAB
    await call('PUT', `/v1/admin/labs/${id}`, await support(), settings)
    created.push('lab')
  }
  const sync = { db: app.deps.db, clock: app.deps.clock }
  if ((await syncCenters(sync, DEMO_LAB.id, DEMO_CENTERS)).created > 0) created.push('lab centres')
  if ((await syncCorrespondents(sync, DEMO_LAB.id, DEMO_CORRESPONDENTS)).created > 0)
    created.push('correspondent codes')
  const code = DEMO_CORRESPONDENTS[0]?.code ?? ''
  const practice = await call('GET', `/v1/correspondent-codes/${code}?labId=${DEMO_LAB.id}`)
  const place = { structureId: practice.structure.id, labCenterId: practice.center.id, primary: true }

  // Registers a person through the portal's flow (email proof, registration), unless already there.
  const register = async (person: DemoPerson, fields: object) => {
    const existing = await accountByLoginAddress(app.deps.db, person.email)
    if (existing) return { id: existing.id, status: existing.status }
    const { id } = await call(
      'POST',
      '/v1/email-proofs',
      {},
      { email: person.email, purpose: 'registration' },
    )
    const { proof } = await call(
      'POST',
      `/v1/email-proofs/${id}/confirm`,
      {},
      {
        code: await mail.lastCode(person.email),
      },
    )
    created.push(person.role)
    return call(
      'POST',
      '/v1/registrations',
      {},
      {
        proof,
        civility: person.civility,
        firstName: person.firstName,
        lastName: person.lastName,
        practicePlaces: [place],
        correspondentCode: code,
        password: DEMO_PASSWORD,
        passwordConfirmation: DEMO_PASSWORD,
        termsVersion: app.deps.config.TERMS_VERSION,
        ...fields,
      },
    ) as Promise<{ id: string; status: string }>
  }
  const validate = async (account: { id: string; status: string }, person: DemoPerson) => {
    if (account.status === 'pending_validation') {
      await call('POST', `/v1/admin/accounts/${account.id}/validation`, await support(), {
        decision: 'validate',
      })
    } else if (account.status !== 'active') {
      throw new Error(
        `The demo ${person.role} ${person.email} is ${account.status}: remove the data folder to start over.`,
      )
    }
  }

  const doctor = await register(DEMO_DOCTOR, {
    profile: 'health_professional',
    practiceCivility: 'DR',
    profession: '10',
    rpps: DEMO_DOCTOR.rpps,
  })
  await validate(doctor, DEMO_DOCTOR)
  const asDoctor = once(() => signIn(DEMO_DOCTOR.email))

  const secretary = await register(DEMO_SECRETARY, {
    profile: 'collaborator',
    accountTitle: DEMO_SECRETARY.accountTitle,
    rights: { results: true, invoices: false },
    approverId: doctor.id,
  })
  if (secretary.status === 'pending_approval') {
    const pending: { id: string; requester: { id: string } }[] = (
      await call('GET', '/v1/approvals?status=pending', await asDoctor())
    ).items
    for (const request of pending.filter((item) => item.requester.id === secretary.id))
      await call('POST', `/v1/approvals/${request.id}/decision`, await asDoctor(), { decision: 'approve' })
    secretary.status = 'pending_validation'
  }
  if (secretary.status !== 'active') {
    await validate(secretary, DEMO_SECRETARY)
    // Once active, she asks for invoices too: her doctor finds it waiting in her approvals.
    await call('POST', '/v1/access-requests', await signIn(DEMO_SECRETARY.email), {
      structureId: place.structureId,
      rights: ['invoices'],
      approverId: doctor.id,
    })
  }
  await app.outboxWorker.drain()
  return created
}
