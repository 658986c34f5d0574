import { type Config, ConfigError, loadConfig } from './config.ts'
import { type Database, openDatabase, waitForDatabase } from './db/database.ts'
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
  // Where the database is, without credentials, for the lines that say what to check.
  const where = config.DATABASE_URL
    ? { host: new URL(config.DATABASE_URL).hostname, port: Number(new URL(config.DATABASE_URL).port || 5432) }
    : { database: database.description }
  try {
    await waitForDatabase(database, {
      timeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      onRetry: (error, retryInMs) =>
        logger.warn(
          { ...where, error: summary(error), retryInMs },
          'database not reachable yet; waiting for it (DATABASE_CONNECT_TIMEOUT_MS)',
        ),
    })
    logger.info({ database: database.description }, 'database opened')
    if (options.migrate ?? config.MIGRATE_ON_START) {
      const applied = await migrateToLatest(database.db)
      if (applied.length > 0) logger.info({ applied }, 'migrations applied')
    }
  } catch (error) {
    // One line that says what to check, not a stack trace.
    logger.fatal(
      { ...where, error: summary(error) },
      config.DATABASE_URL
        ? 'cannot use the database: check that PostgreSQL runs at this host and port, and the user, password and database name in DATABASE_URL'
        : 'cannot open the embedded database: check DATA_DIR',
    )
    await database.close().catch(() => {})
    process.exit(1)
  }
  const secretKey = await loadSecretKey(config, true)
  return { config, logger, database, secretKey }
}

/** An error's code and message, without its stack. */
const summary = (error: unknown) => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  // Several addresses tried (IPv6, IPv4): each says why.
  const messages = error instanceof AggregateError ? error.errors.map(String) : [message || String(error)]
  return { code, message: messages.join('; ') }
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
