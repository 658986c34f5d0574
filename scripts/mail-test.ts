import { parseArgs } from 'node:util'
import { systemClock } from '../src/clock.ts'
import { createOutbox } from '../src/notifications/outbox.ts'
import { startRuntime } from '../src/runtime.ts'
import { SecretBox } from '../src/shared/secret-box.ts'

// `npm run mail:test -- --to someone@example.org`: queues a test email in the outbox; the running
// service's worker (or `npm run worker`) sends it.
const { values } = parseArgs({ options: { to: { type: 'string' }, note: { type: 'string' } } })
if (!values.to) {
  process.stderr.write('usage: npm run mail:test -- --to <email> [--note <text>]\n')
  process.exit(64)
}
const { config, logger, database, secretKey } = await startRuntime()
const outbox = createOutbox({
  box: new SecretBox(secretKey),
  clock: systemClock,
  defaultLocale: config.MAIL_LOCALE,
})
const id = await outbox.enqueue(database.db, {
  to: values.to,
  template: 'ops.test',
  data: { note: values.note },
})
logger.info({ outboxId: id }, 'test email queued')
await database.close()
