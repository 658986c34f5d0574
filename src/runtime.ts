import { type Config, ConfigError, loadConfig } from './config.ts'
import { type Database, openDatabase } from './db/database.ts'
import { DatabaseInUseError } from './db/embedded-lock.ts'
import { migrateToLatest } from './db/migrate.ts'
import { createLogger } from './logger.ts'
import { loadSecretKey } from './shared/secret-key.ts'

/**
 * What every process of the service starts from (server, worker, scripts): the configuration, the
 * logger, the database (migrated unless MIGRATE_ON_START is false), and the service key.
 */
export async function startRuntime(options: { migrate?: boolean } = {}) {
  const config = loadConfigOrExit()
  const logger = createLogger(config)
  const database: Database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: `${config.DATA_DIR}/pg`,
    logger,
  }).catch(exitWhenInUse)
  logger.info({ database: database.description }, 'database opened')
  if (options.migrate ?? config.MIGRATE_ON_START) {
    const applied = await migrateToLatest(database.db)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')
  }
  const secretKey = await loadSecretKey(config, true)
  return { config, logger, database, secretKey }
}

function exitWhenInUse(error: unknown): never {
  if (!(error instanceof DatabaseInUseError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(75) // EX_TEMPFAIL
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(78) // EX_CONFIG
  }
}
