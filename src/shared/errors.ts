/**
 * Domain errors. Rules throw these; the error plugin maps them, once, to RFC 9457 problem+json.
 * `code` is stable and machine-readable; `detail` is for people and never carries secrets.
 */
export interface FieldProblem {
  /** Where the field was: body, querystring, params or headers. */
  in: string
  /** Dotted path of the field, e.g. `practicePlaces.0.structureId`. */
  field: string
  message: string
  /** In a batch: the item's position, its own code, and a stable reason. */
  index?: number
  code?: string
  reason?: string
}

/** A problem with a field of the request body. */
export const bodyProblem = (field: string, message: string): FieldProblem => ({ in: 'body', field, message })

export class AppError extends Error {
  readonly status: number
  readonly code: string
  readonly errors: FieldProblem[] | undefined
  readonly headers: Record<string, string> | undefined
  constructor(
    status: number,
    code: string,
    detail: string,
    options: { errors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail)
    this.name = 'AppError'
    this.status = status
    this.code = code
    this.errors = options.errors
    this.headers = options.headers
  }
}

/**
 * A problem's stable code: `snake_case`, so that a detail given where the code goes (or the reverse)
 * fails to compile.
 */
export type ProblemCode = Lowercase<string>

// Every helper takes the code first, then the detail, then what its status needs besides.
export const badRequest = (code: ProblemCode, detail: string, errors?: FieldProblem[]) =>
  new AppError(400, code, detail, errors ? { errors } : {})
export const unauthorized = (code: ProblemCode = 'unauthorized', detail = 'Authentication is required.') =>
  new AppError(401, code, detail, { headers: { 'www-authenticate': 'Bearer' } })
export const forbidden = (code: ProblemCode = 'forbidden', detail = 'You may not do this.') =>
  new AppError(403, code, detail)
export const notFound = (code: ProblemCode = 'not_found', detail = 'Not found.') =>
  new AppError(404, code, detail)
export const conflict = (code: ProblemCode, detail: string) => new AppError(409, code, detail)
export const unprocessable = (code: ProblemCode, detail: string, errors?: FieldProblem[]) =>
  new AppError(422, code, detail, errors ? { errors } : {})
/** Always `rate_limited`, with the same detail: only the wait varies. */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', 'Too many requests; try again later.', {
    headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
  })
