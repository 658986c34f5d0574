/** PostgreSQL's unique_violation (both pg and the embedded engine expose the SQLSTATE as `code`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: string; constraint?: string }
  return code === '23505' && (constraint === undefined || name === constraint)
}
