import { type DestinationStream, type Logger, pino } from 'pino'
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
