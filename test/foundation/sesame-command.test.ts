import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { startService, stopService } from '../helpers/service.ts'

const { nodeVersionProblem } = createRequire(import.meta.url)('../../scripts/require-node.cjs') as {
  nodeVersionProblem(version: string, range: string): string | undefined
}

let scratch: string
let pretendNode20: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sesame-command-'))
  pretendNode20 = join(scratch, 'node-20.cjs')
  await writeFile(pretendNode20, "Object.defineProperty(process.versions, 'node', { value: '20.11.1' })\n")
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

const run = promisify(execFile)
const outcome = (command: string, args: string[], env: Record<string, string> = {}) =>
  run(command, args, {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', SESAME_NO_INSTALL: '1', ...env },
  }).then(
    (output) => ({ code: 0, ...output }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

describe('the Node.js version', () => {
  it.each([
    ['20.11.1', '>=22.18', false],
    ['22.17.9', '>=22.18', false],
    ['22.18.0', '>=22.18', true],
    ['24.0.0', '>=22.18', true],
    ['v24.21.0', '>=22.18.1', true],
    ['22.18.0', '>=22.18.1', false],
    ['18.0.0', '^22 || ^24', true], // a range it does not understand checks nothing
  ])('%s for engines %s is enough: %s', (version, range, enough) => {
    expect(nodeVersionProblem(version, range) === undefined).toBe(enough)
  })

  it('too old, every npm script says in one line what to do instead of failing on TypeScript', async () => {
    const script = JSON.parse(await readFile('package.json', 'utf8')).scripts['admin:create'] as string
    const args = ['--require', pretendNode20, ...script.split(' ').slice(1), '--email', 'a@example.org']
    const result = await outcome(process.execPath, args)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Sésame needs Node.js >=22.18 and this is Node.js 20.11.1: run it as ./sesame <script> [-- args] ' +
        '(it installs Node.js 24 into ~/.node24), or put a recent Node.js first on PATH.\n',
    )
  })

  it('too old, the test runner says so before starting its workers', async () => {
    const vitest = join('node_modules', 'vitest', 'vitest.mjs')
    const result = await outcome(process.execPath, ['--require', pretendNode20, vitest, 'run', 'test/shared'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Sésame needs Node.js >=22.18 and this is Node.js 20.11.1')
    expect(result.stdout).not.toContain('test/shared')
  })
})

describe('./sesame <script>', () => {
  it('passes the arguments after -- to the script, and names an unknown script', async () => {
    const missingNames = await outcome('./sesame', ['admin:create', '--', '--email', 'a@example.org'])
    expect(missingNames.code).toBe(64)
    expect(missingNames.stderr).toContain('usage: npm run admin:create')
    const unknown = await outcome('./sesame', ['deploy'])
    expect(unknown.code).toBe(64)
    expect(unknown.stderr).toContain('./sesame: no script named "deploy"')
  })

  describe.each(['SIGTERM', 'SIGINT'] as const)('the service started with ./sesame start', (signal) => {
    let database: TestDatabase
    beforeAll(async () => {
      database = await createTestDatabase()
    })
    afterAll(() => database.drop())

    it(`stops when ${signal} is sent to the ./sesame process alone`, async () => {
      const service = await startService(
        database.url ? { DATABASE_URL: database.url } : { DATA_DIR: join(scratch, signal) },
        { command: ['./sesame', 'start'] },
      )
      try {
        expect((await fetch(`${service.url}/health/ready`)).status).toBe(200)
        service.child.kill(signal)
        expect(await service.exited).toBe(0)
        expect(service.lines.map((line) => line.msg)).toContain('shutting down')
        await expect(fetch(`${service.url}/health/live`)).rejects.toThrow()
      } finally {
        await stopService(service)
      }
    }, 120_000)
  })
})
