import type { FastifyBaseLogger } from 'fastify'
import { type ChildLoggerOptions, type DestinationStream, type Logger, pino } from 'pino'
import type { Config } from './config.ts'

/** What must never reach a log line: credentials, codes, tokens, secrets, wherever they sit. */
const SECRET_KEYS = [
  'password',
  'passwordConfirmation',
  'newPassword',
  'currentPassword',
  'provisionalCode',
  'token',
  'accessToken',
  'refreshToken',
  'proof',
  'secret',
  'clientSecret',
  'client_secret',
  'access_token',
  'refresh_token',
  'authorization',
  'cookie',
  'set-cookie',
]

/**
 * `code` is a secret where a person sends one (a body, a query, an email's secrets) but elsewhere it
 * names a kind of error (`err.code`, PostgreSQL's SQLSTATE), which the logs must keep: by path.
 */
const CODE_PATHS = [
  'code',
  'secrets.code',
  ...['body', 'query'].flatMap((part) => [`${part}.code`, `*.${part}.code`]),
]

export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  ...CODE_PATHS,
  ...SECRET_KEYS.map((key) => `["${key}"]`),
  ...SECRET_KEYS.map((key) => `*["${key}"]`),
  ...SECRET_KEYS.map((key) => `*.*["${key}"]`),
]

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'sesame' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type Bindings = Record<string, unknown>

/**
 * A request's logger, made when it first writes a line at an enabled level: most requests write none,
 * and a pino child (its bindings serialised, redaction applied) costs more than the request's own work
 * on the lightest routes.
 */
class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  #child: FastifyBaseLogger | undefined
  constructor(parent: FastifyBaseLogger, bindings: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }
  #logger(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings)
    return this.#child
  }
  #write(level: LogLevel, args: unknown[]) {
    const threshold = pino.levels.values[(this.#child ?? this.#parent).level] ?? Number.POSITIVE_INFINITY
    if ((pino.levels.values[level] ?? 0) < threshold) return
    const logger = this.#logger()
    ;(logger[level] as (...args: unknown[]) => void).apply(logger, args)
  }
  get level(): string {
    return (this.#child ?? this.#parent).level
  }
  set level(level: string) {
    this.#logger().level = level
  }
  fatal(...args: unknown[]) {
    this.#write('fatal', args)
  }
  error(...args: unknown[]) {
    this.#write('error', args)
  }
  warn(...args: unknown[]) {
    this.#write('warn', args)
  }
  info(...args: unknown[]) {
    this.#write('info', args)
  }
  debug(...args: unknown[]) {
    this.#write('debug', args)
  }
  trace(...args: unknown[]) {
    this.#write('trace', args)
  }
  silent() {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options)
  }
}

/** Fastify's `childLoggerFactory`: a request logger made lazily (a route's own log level, at once). */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return options.level === undefined ? new RequestLogger(logger, bindings) : logger.child(bindings, options)
}
