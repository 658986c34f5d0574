import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { buildMetricsServer } from './ops/metrics-routes.ts'
import { startRuntime } from './runtime.ts'

const { config, logger, database, secretKey } = await startRuntime()
const app = await buildApp({ config, database, secretKey, logger })
// With METRICS_PORT, the metrics have a listener of their own, off the port the load balancer exposes.
const metrics = config.METRICS_PORT === undefined ? undefined : await buildMetricsServer(app)

// On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, stop the worker, close the pool.
closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error')
  else logger.info({ signal }, 'shutting down')
  await metrics?.close()
  await app.close()
  await database.close()
})

await app.listen({ host: config.HOST, port: config.PORT })
if (metrics) await metrics.listen({ host: config.HOST, port: config.METRICS_PORT })
