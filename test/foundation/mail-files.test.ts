import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../../src/config.ts'
import { createLogger } from '../../src/logger.ts'
import { createMailTransport } from '../../src/notifications/transport.ts'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sesame-mail-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

const message = (to: string, code: string) => ({
  from: 'Sésame <no-reply@sesame.localhost>',
  to,
  subject: 'Sésame : votre code de vérification',
  text: `Bonjour,\n\nVotre code de vérification est ${code}. ${'Il expire dans 10 minutes. '.repeat(4)}`,
})

const transportFor = (env: Record<string, string>) => {
  const config = testConfig({ DATA_DIR: dataDir, ...env })
  return createMailTransport(config, createLogger(config))
}

const run = promisify(execFile)
const mailLast = (...args: string[]) =>
  run(process.execPath, ['scripts/mail-last.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
  }).then(
    (output) => ({ code: 0, ...output }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

describe('emails written to files, without SMTP', () => {
  it('outside production, a readable .txt lies beside each quoted-printable .eml', async () => {
    const transport = transportFor({})
    await transport.send(message('claire.martin@example.org', '482915'))
    const files = (await readdir(join(dataDir, 'mail'))).sort()
    expect(files.map((name) => name.replace(/^.*\./, ''))).toEqual(['eml', 'txt'])
    const [eml, txt] = files
    expect(await readFile(join(dataDir, 'mail', eml as string), 'utf8')).toContain('v=C3=A9rification')
    expect(await readFile(join(dataDir, 'mail', txt as string), 'utf8')).toBe(
      'From: Sésame <no-reply@sesame.localhost>\nTo: claire.martin@example.org\n' +
        'Subject: Sésame : votre code de vérification\n\n' +
        `Bonjour,\n\nVotre code de vérification est 482915. ${'Il expire dans 10 minutes. '.repeat(4)}\n`,
    )
  })

  it('npm run mail:last prints the newest one, or the newest to an address', async () => {
    const transport = transportFor({})
    await transport.send(message('julie.bernard@example.org', '130577'))
    await transport.send(message('sophie.roux@example.org', '902144'))
    const newest = await mailLast()
    expect(newest.code).toBe(0)
    expect(newest.stdout).toContain('To: sophie.roux@example.org')
    expect(newest.stdout).toContain('Votre code de vérification est 902144.')
    const toJulie = await mailLast('--to', 'Julie.Bernard@example.org')
    expect(toJulie.stdout).toContain('Votre code de vérification est 130577.')
    const nobody = await mailLast('--to', 'nobody@example.org')
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain('No email to nobody@example.org')
  })

  it('in production, only the .eml is written', async () => {
    const production = await mkdtemp(join(tmpdir(), 'sesame-mail-production-'))
    try {
      const config = testConfig({
        DATA_DIR: production,
        NODE_ENV: 'production',
        SECRET_KEY: 'ab'.repeat(32),
        MSSANTE_DOMAIN: 'mssante.example.org',
      })
      await createMailTransport(config, createLogger(config)).send(message('a@example.org', '111111'))
      expect((await readdir(join(production, 'mail'))).map((name) => name.replace(/^.*\./, ''))).toEqual([
        'eml',
      ])
    } finally {
      await rm(production, { recursive: true, force: true })
    }
  })
})
