import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { buildMetricsServer } from './ops/metrics-routes.ts'
import { startRuntime } from './runtime.ts'

const { config, logger, database, secretKey } = await startRuntime()
const app = await buildApp({ config, database, secretKey, logger })
// With METRICS_PORT, the metrics have a listener of their own, off the port the load balancer exposes.
const metrics = config.METRICS_PORT === undefined ? undefined : await buildMetricsServer(app)

// On SIGTERM/SIGINT: readiness answers 503 and the mail worker stops claiming, at once; requests are
// still served for SHUTDOWN_DRAIN_MS, each answer closing its connection, while the load balancer
// notices; then the server closes (requests in flight finish) and the pool after it. All of it within
// SHUTDOWN_GRACE_MS, else the process exits 1.
closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error')
  else logger.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'shutting down')
  app.draining.start()
  const workerStopped = app.outboxWorker.stop()
  if (!err) await sleep(config.SHUTDOWN_DRAIN_MS)
  await workerStopped
  await app.close()
  await metrics?.close()
  await database.close()
  logger.info('shut down')
})

await app.listen({ host: config.HOST, port: config.PORT })
if (metrics) await metrics.listen({ host: config.HOST, port: config.METRICS_PORT })
