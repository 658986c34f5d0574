import { buildApp } from '../src/app.ts'
import { createMailTransport, type MailTransport } from '../src/notifications/transport.ts'
import { loadConfigOrExit, startRuntime } from '../src/runtime.ts'
import {
  DEMO_CORRESPONDENTS,
  DEMO_DOCTOR,
  DEMO_LAB,
  DEMO_PASSWORD,
  DEMO_SECRETARY,
  DEMO_SUPPORT,
} from './demo/data.ts'
import { DemoRefusedError, loadDemoData, refuseInProduction } from './demo/load.ts'

// `npm run demo` (or `./sesame start --demo`): loads the demo data for front-end developers (a lab,
// practices, a support agent, a doctor and her secretary) and says how to sign in as each. Only what is
// missing is loaded; refused in production.
try {
  refuseInProduction(loadConfigOrExit())
} catch (error) {
  if (!(error instanceof DemoRefusedError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
}

const { config, logger, database, secretKey } = await startRuntime()
// Emails go where the service sends them (files in DATA_DIR/mail, or SMTP); the loader reads the codes here.
const quiet = logger.child({}, { level: 'warn' })
const transport = createMailTransport(config, quiet)
const sent = new Map<string, string>()
const recording: MailTransport = {
  kind: transport.kind,
  async send(message) {
    sent.set(message.to.toLowerCase(), message.text)
    await transport.send(message)
  },
  close: () => transport.close(),
}
const app = await buildApp({
  config: { ...config, OUTBOX_WORKER: false },
  database,
  secretKey,
  logger: quiet,
  mailTransport: recording,
})
try {
  const created = await loadDemoData(app, {
    async lastCode(address) {
      await app.outboxWorker.drain()
      const code = /\b(\d{6})\b/.exec(sent.get(address.toLowerCase()) ?? '')?.[1]
      if (!code) throw new Error(`No code was mailed to ${address}`)
      return code
    },
  })
  const mailbox = config.SMTP_URL ? 'their mailbox' : './sesame mail:last -- --to <email>'
  const rows = [DEMO_SUPPORT, DEMO_DOCTOR, DEMO_SECRETARY].map(
    (person) =>
      `  ${person.role.padEnd(14)} ${person.email.padEnd(28)} ${person.firstName} ${person.lastName}`,
  )
  const codes = DEMO_CORRESPONDENTS.map((item) => `${item.code} (${item.structure.name})`).join(', ')
  process.stdout.write(
    `${created.length > 0 ? `Demo data loaded: ${created.join(', ')}.` : 'Demo data already there.'}\n\n` +
      `Sign in with the password ${DEMO_PASSWORD} as:\n${rows.join('\n')}\n\n` +
      'POST /v1/auth/login {email, password} answers a challengeId and emails a 6-digit code;\n' +
      `read it with ${mailbox}, then POST /v1/auth/login/{challengeId} {code}.\n` +
      'The secretary’s request for invoices waits in the doctor’s approvals (GET /v1/approvals).\n' +
      `Lab ${DEMO_LAB.id}; correspondent codes to register someone new: ${codes}.\n`,
  )
} finally {
  await app.close()
  transport.close()
  await database.close()
}
