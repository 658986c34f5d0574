import closeWithGrace from 'close-with-grace'
import { systemClock } from './clock.ts'
import { emailTemplates } from './email-templates.ts'
import { createMailTransport } from './notifications/transport.ts'
import { createOutboxWorker } from './notifications/worker.ts'
import { startRuntime } from './runtime.ts'
import { SecretBox } from './shared/secret-box.ts'

// The outbox worker alone (`npm run worker`), for deployments that run it apart from the API
// (then set OUTBOX_WORKER=false on the API instances). Several may run at once.
const { config, logger, database, secretKey } = await startRuntime()
const transport = createMailTransport(config, logger)
const worker = createOutboxWorker(config, {
  db: database.db,
  transport,
  templates: emailTemplates,
  box: new SecretBox(secretKey),
  clock: systemClock,
  logger,
})

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger }, async () => {
  await worker.stop()
  transport.close()
  await database.close()
})

worker.start()
logger.info({ transport: transport.kind }, 'outbox worker started')
