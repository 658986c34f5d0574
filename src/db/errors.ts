/** PostgreSQL's unique_violation (both pg and the embedded engine expose the SQLSTATE as `code`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: string; constraint?: string }
  return code === '23505' && (constraint === undefined || name === constraint)
}

// Network errors of the connection to PostgreSQL.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
// SQLSTATEs of a server that cannot serve now: connection exceptions (class 08, but a protocol
// violation, which the same request meets again), too many connections, shutting down, crashed,
// starting up.
const UNAVAILABLE_STATES = /^(08(?!P01)...|53300|57P01|57P02|57P03)$/
// What pg and its pool say, without a code, when a connection is lost or cannot be had in time.
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/

/**
 * The database cannot be reached or cannot serve now (stopped, restarting, unreachable, out of
 * connections): a request meeting this is answered 503 with Retry-After, never 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const { code } = error as { code?: unknown }
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true
  if (LOST_CONNECTION.test(error.message)) return true
  // Several addresses tried (IPv6 then IPv4): every one failed.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable)
  return error.cause !== undefined && isDatabaseUnavailable(error.cause)
}

/** Two transactions met in a cycle or a serialisation conflict: the loser may simply try again. */
export function isConcurrencyConflict(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string }
  return code === '40001' || code === '40P01'
}
