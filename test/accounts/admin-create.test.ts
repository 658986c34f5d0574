import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSupportAccount } from '../../src/accounts/support-desk.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createTestDatabase } from '../helpers/database.ts'
import { STRONG_PASSWORD, signIn } from '../helpers/people.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('creating a support agent', () => {
  it('gives an active support account whose provisional code activates it, and who can then work', async () => {
    const email = 'agathe.roux@sesame.example.org'
    const agent = await createSupportAccount(t.app.deps, { email, firstName: 'Agathe', lastName: 'Roux' })
    expect(agent.provisionalCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/)
    const row = await t.app.deps.db
      .selectFrom('accounts')
      .select(['status', 'profile', 'roles', 'civility', 'terms_version'])
      .where('id', '=', agent.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      status: 'active',
      profile: 'administrative',
      roles: ['support'],
      civility: 'M',
      terms_version: t.app.deps.config.TERMS_VERSION,
    })

    const activation = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/activation',
      payload: {
        email,
        provisionalCode: agent.provisionalCode,
        password: STRONG_PASSWORD,
        passwordConfirmation: STRONG_PASSWORD,
      },
    })
    expect(activation.statusCode, activation.body).toBe(204)
    await t.deliverMail()
    const session = await signIn(t, email)
    const desk = await t.app.inject({ url: '/v1/admin/accounts', headers: session.headers })
    expect(desk.statusCode, desk.body).toBe(200)
    expect(desk.json().items).toContainEqual(expect.objectContaining({ id: agent.id, loginEmail: email }))
  })

  it('refuses an address that is already an account’s, whatever its case', async () => {
    const email = 'bruno.petit@sesame.example.org'
    await createSupportAccount(t.app.deps, { email, firstName: 'Bruno', lastName: 'Petit', civility: 'M' })
    await expect(
      createSupportAccount(t.app.deps, { email: email.toUpperCase(), firstName: 'Autre', lastName: 'Agent' }),
    ).rejects.toMatchObject({ status: 409, code: 'address_taken' })
    const holders = await t.app.deps.db
      .selectFrom('account_emails')
      .select('account_id')
      .where('address_key', '=', email)
      .execute()
    expect(holders).toHaveLength(1)
  })

  it('refuses details that are not an address and names', async () => {
    await expect(
      createSupportAccount(t.app.deps, { email: 'not-an-address', firstName: ' ', lastName: 'Roux' }),
    ).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: 'email' }), expect.objectContaining({ field: 'firstName' })],
    })
  })
})

describe('npm run admin:create', () => {
  const run = promisify(execFile)
  let env: Record<string, string>
  let cleanup: () => Promise<void>
  // A real process each time; on the embedded engine, each also opens (and first migrates) its database.
  beforeAll(async () => {
    const database = await createTestDatabase()
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-admin-'))
    env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'silent',
      SECRET_KEY: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      ...(database.url && { DATABASE_URL: database.url }),
    }
    cleanup = async () => {
      await database.drop()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
  afterAll(() => cleanup())
  const adminCreate = (...args: string[]) =>
    run(process.execPath, ['scripts/admin-create.ts', ...args], { env }).then(
      (output) => ({ code: 0, ...output }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
  const agent = ['--email', 'chloe.blanc@sesame.example.org', '--first-name', 'Chloé', '--last-name', 'Blanc']

  it('prints the provisional code once, then refuses the same address with exit code 1', async () => {
    const created = await adminCreate(...agent, '--civility', 'mme')
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout.match(/[A-Z2-9]{5}-[A-Z2-9]{5}/g)).toHaveLength(1)

    const again = await adminCreate(...agent)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('chloe.blanc@sesame.example.org already belongs to an account')
    expect(again.stdout).not.toMatch(/[A-Z2-9]{5}-[A-Z2-9]{5}/)
  }, 120_000)

  it('explains its usage when a name is missing', async () => {
    const missing = await adminCreate('--email', 'someone@sesame.example.org')
    expect(missing.code).toBe(64)
    expect(missing.stderr).toContain('usage: npm run admin:create')
  })
})
