import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { startRuntime } from './runtime.ts'

const { config, logger, database, secretKey } = await startRuntime()
const app = await buildApp({ config, database, secretKey, logger })

// On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, stop the worker, close the pool.
closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error')
  else logger.info({ signal }, 'shutting down')
  await app.close()
  await database.close()
})

await app.listen({ host: config.HOST, port: config.PORT })
