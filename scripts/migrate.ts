import { startRuntime } from '../src/runtime.ts'

// `npm run migrate`: applies pending migrations and exits (a one-off command in deployments).
const { logger, database } = await startRuntime({ migrate: true })
logger.info('database is up to date')
await database.close()
