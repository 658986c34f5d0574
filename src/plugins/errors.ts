import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { isConcurrencyConflict, isDatabaseUnavailable } from '../db/errors.ts'
import { AppError } from '../shared/errors.ts'
import { PROBLEM_CONTENT_TYPE, ProblemSchema, problemDocument } from '../shared/problem.ts'
import { fieldProblems } from './validation.ts'

/** Errors raised by Fastify and its plugins, by their code, as the API names them. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'This content type is not accepted here.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is too large.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_body', detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_body',
    detail: 'The body is not valid JSON.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'malformed_body',
    detail: 'Wrong content length.',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'malformed_url', detail: 'The address is not a valid URL.' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    detail: 'A part of the address is too long.',
  },
}

/** What a client is told to wait when the database is out: about what a restart or a failover takes. */
const DATABASE_RETRY_AFTER_SECONDS = 5

const BAD_REQUEST = { status: 400, code: 'bad_request', detail: 'The request could not be understood.' }

/**
 * Errors Fastify meets before routing (a malformed URL, a path parameter over the length limit): the
 * same problems as any other error, with a request id and a log line. Fastify's `frameworkErrors`.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = FRAMEWORK_ERRORS[error.code] ?? BAD_REQUEST
  request.log.info({ err: { code: error.code } }, 'request refused before routing')
  reply.header('x-request-id', request.id)
  void sendProblem(request, reply, known.status, known.code, known.detail)
}

/**
 * Errors of the HTTP parser, before there is a request (headers too large, a timeout, bytes that are
 * not HTTP): a problem written on the socket, which then closes. Fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const { status, code, detail } =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? { status: 431, code: 'headers_too_large', detail: 'The request headers are too large.' }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, code: 'request_timeout', detail: 'The request did not arrive in time.' }
        : { status: 400, code: 'malformed_request', detail: 'The request is not valid HTTP.' }
  const requestId = randomUUID()
  this.log.info(
    { requestId, err: { code: error.code }, statusCode: status },
    'request refused before parsing',
  )
  if (socket.writable) {
    const body = JSON.stringify(problemDocument(status, code, detail, { url: '/', requestId }))
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

/**
 * The one place where errors become RFC 9457 problem+json responses: domain errors keep their status
 * and code; validation errors name each failing field; anything unexpected is a 500 that says nothing
 * of its cause (the log has it, under the request id).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.addSchema(ProblemSchema)

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers)
      if (error.status >= 500) request.log.error({ err: error }, 'request failed')
      return sendProblem(request, reply, error.status, error.code, error.message, error.errors)
    }
    if (error.validation) {
      const location = error.validationContext ?? 'body'
      return sendProblem(
        request,
        reply,
        400,
        'validation_failed',
        'The request is not valid.',
        fieldProblems(error.validation, location),
      )
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined
    if (known) return sendProblem(request, reply, known.status, known.code, known.detail)
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable')
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      return sendProblem(
        request,
        reply,
        503,
        'database_unavailable',
        'The service cannot reach its database; try again shortly.',
      )
    }
    if (isConcurrencyConflict(error)) {
      return sendProblem(
        request,
        reply,
        409,
        'concurrent_change',
        'Another request changed the same data at once; try again.',
      )
    }
    const status = error.statusCode ?? 500
    if (status === 429)
      return sendProblem(request, reply, 429, 'rate_limited', 'Too many requests; try again later.')
    if (status === 503) {
      return sendProblem(
        request,
        reply,
        503,
        'service_unavailable',
        'The service is overloaded; try again shortly.',
      )
    }
    if (status >= 400 && status < 500)
      return sendProblem(request, reply, status, BAD_REQUEST.code, BAD_REQUEST.detail)
    request.log.error({ err: error }, 'unexpected error')
    return sendProblem(
      request,
      reply,
      500,
      'internal_error',
      'An unexpected error occurred. Quote the request id to support.',
    )
  })

  // 404 for unknown paths; 405 with `Allow` for a known path asked with another method.
  const paths = FindMyWay()
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) paths.on(method as HTTPMethod, route.url, () => {})
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    const allowed = (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) =>
      paths.find(method, path),
    )
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(request, reply, 405, 'method_not_allowed', `${request.method} is not allowed here.`)
    }
    return sendProblem(request, reply, 404, 'not_found', 'There is nothing at this address.')
  })
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: Parameters<typeof problemDocument>[4],
) {
  // Serialised here, not by the route's serializer: a route that documents another shape for this
  // status (the OAuth errors) would fail to serialise a problem, and answer a 500.
  return reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify(
        problemDocument(status, code, detail, { url: request.url, requestId: request.id }, errors),
      ),
    )
}
