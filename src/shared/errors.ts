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

export const badRequest = (code: string, detail: string, errors?: FieldProblem[]) =>
  new AppError(400, code, detail, errors ? { errors } : {})
export const unauthorized = (detail = 'Authentication is required.', code = 'unauthorized') =>
  new AppError(401, code, detail, { headers: { 'www-authenticate': 'Bearer' } })
export const forbidden = (detail = 'You may not do this.', code = 'forbidden') =>
  new AppError(403, code, detail)
export const notFound = (detail = 'Not found.', code = 'not_found') => new AppError(404, code, detail)
export const conflict = (code: string, detail: string) => new AppError(409, code, detail)
export const unprocessable = (code: string, detail: string, errors?: FieldProblem[]) =>
  new AppError(422, code, detail, errors ? { errors } : {})
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests; try again later.') =>
  new AppError(429, 'rate_limited', detail, {
    headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
  })
