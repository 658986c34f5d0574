import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { AppError } from '../shared/errors.ts'
import { PROBLEM_CONTENT_TYPE, ProblemSchema, problem } from '../shared/problem.ts'
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
        fieldProblems(error.validation as never, location),
      )
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined
    if (known) return sendProblem(request, reply, known.status, known.code, known.detail)
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
    if (status >= 400 && status < 500) {
      return sendProblem(request, reply, status, 'bad_request', 'The request could not be understood.')
    }
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
  errors?: Parameters<typeof problem>[4],
) {
  return reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(status, code, detail, { url: request.url, requestId: request.id }, errors))
}
