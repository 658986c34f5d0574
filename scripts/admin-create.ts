import { parseArgs } from 'node:util'
import { createSupportAccount } from '../src/accounts/support-desk.ts'
import { createSecretHasher } from '../src/auth/secrets.ts'
import { systemClock } from '../src/clock.ts'
import { startRuntime } from '../src/runtime.ts'
import { AppError } from '../src/shared/errors.ts'

// `npm run admin:create -- --email <email> --first-name <name> --last-name <name> [--civility M|MME]`:
// creates an active support agent's account and prints its provisional access code, once. The agent
// sets a password with it through POST /v1/auth/activation (within 7 days).
const usage =
  'usage: npm run admin:create -- --email <email> --first-name <name> --last-name <name> [--civility M|MME]\n'
const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
    civility: { type: 'string', default: 'M' },
  },
})
const { email, 'first-name': firstName, 'last-name': lastName } = values
const civility = values.civility?.toUpperCase()
if (!email || !firstName || !lastName || (civility !== 'M' && civility !== 'MME')) {
  process.stderr.write(usage)
  process.exit(64) // EX_USAGE
}

const { config, database, secretKey } = await startRuntime()
try {
  const agent = await createSupportAccount(
    { db: database.db, clock: systemClock, config, secrets: createSecretHasher(secretKey) },
    { email, firstName, lastName, civility },
  )
  process.stdout.write(
    `Support account ${agent.id} created for ${agent.email}.\n` +
      `Provisional access code (shown only now, valid 7 days): ${agent.provisionalCode}\n` +
      'Set the password with it through POST /v1/auth/activation.\n',
  )
} catch (error) {
  if (!(error instanceof AppError)) throw error
  const fields = (error.errors ?? []).map((problem) => `\n  - ${problem.field} ${problem.message}`)
  process.stderr.write(`Not created: ${error.message}${fields.join('')}\n`)
  process.exitCode = 1
} finally {
  await database.close()
}
