import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_DOCTOR, DEMO_PASSWORD, DEMO_SECRETARY, DEMO_SUPPORT } from '../../scripts/demo/data.ts'
import { type DemoMail, DemoRefusedError, loadDemoData } from '../../scripts/demo/load.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { signIn } from '../helpers/people.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const mailOf = (app: TestApp): DemoMail => ({
  async lastCode(address) {
    await app.deliverMail()
    return app.mail.lastCode(address)
  },
})

/** How many rows each table the demo writes holds. */
async function counts(app: TestApp) {
  const tables = [
    'accounts',
    'labs',
    'lab_centers',
    'structures',
    'correspondent_codes',
    'access_requests',
  ] as const
  const entries = await Promise.all(
    tables.map(async (table) => {
      const row = await app.app.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
      return [table, Number(row.count)] as const
    }),
  )
  return Object.fromEntries(entries)
}

describe('the demo data', () => {
  it('loads a lab, its centres and practices, a support agent, a doctor and her secretary, once', async () => {
    expect(await loadDemoData(t.app, mailOf(t))).toEqual([
      'support agent',
      'lab',
      'lab centres',
      'correspondent codes',
      'doctor',
      'secretary',
    ])
    const loaded = await counts(t)
    expect(loaded).toEqual({
      accounts: 3,
      labs: 1,
      lab_centers: 2,
      structures: 2,
      correspondent_codes: 2,
      access_requests: 2,
    })
    // Run again, it finds everything there and changes nothing.
    expect(await loadDemoData(t.app, mailOf(t))).toEqual([])
    expect(await counts(t)).toEqual(loaded)
  })

  it('the doctor signs in with the demo password and the emailed code, and finds her secretary’s request', async () => {
    const doctor = await signIn(t, DEMO_DOCTOR.email, DEMO_PASSWORD)
    const me = (await t.app.inject({ url: '/v1/me', headers: doctor.headers })).json()
    expect(me).toMatchObject({ status: 'active', profile: 'health_professional', rpps: DEMO_DOCTOR.rpps })
    const pending = (
      await t.app.inject({ url: '/v1/approvals?status=pending', headers: doctor.headers })
    ).json().items
    expect(pending).toEqual([
      expect.objectContaining({
        rights: ['invoices'],
        requester: expect.objectContaining({ firstName: 'Julie' }),
      }),
    ])
  })

  it('the secretary has results; the support agent works at the desk', async () => {
    const secretary = await signIn(t, DEMO_SECRETARY.email, DEMO_PASSWORD)
    const me = (await t.app.inject({ url: '/v1/me', headers: secretary.headers })).json()
    expect(me.rights).toEqual([expect.objectContaining({ rights: ['results'] })])
    const agent = await signIn(t, DEMO_SUPPORT.email, DEMO_PASSWORD)
    expect((await t.app.inject({ url: '/v1/admin/accounts', headers: agent.headers })).statusCode).toBe(200)
  })
})

describe('the demo data in production', () => {
  it('is refused, and nothing is written', async () => {
    const production = await createTestApp({
      env: {
        NODE_ENV: 'production',
        SECRET_KEY: randomBytes(32).toString('hex'),
        MSSANTE_DOMAIN: 'mssante.example.org',
      },
    })
    try {
      await expect(loadDemoData(production.app, mailOf(production))).rejects.toThrow(DemoRefusedError)
      expect(await counts(production)).toMatchObject({ accounts: 0, labs: 0 })
    } finally {
      await production.close()
    }
  })

  it('npm run demo says so in one line before opening any database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-demo-'))
    try {
      const refused = await promisify(execFile)(process.execPath, ['scripts/demo.ts'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          SECRET_KEY: randomBytes(32).toString('hex'),
          MSSANTE_DOMAIN: 'mssante.example.org',
          DATA_DIR: dataDir,
        },
      }).catch((error: { code: number; stderr: string }) => error)
      expect(refused).toMatchObject({
        code: 1,
        stderr: 'Demo data is for development machines: refused with NODE_ENV=production.\n',
      })
      expect(existsSync(join(dataDir, 'pg'))).toBe(false)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
