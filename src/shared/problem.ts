import { STATUS_CODES } from 'node:http'
import { Type } from 'typebox'
import type { FieldProblem } from './errors.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** RFC 9457 problem details, as every error of the API is answered. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the kind of problem: `urn:sesame:problem:<code>`' }),
    title: Type.String({ description: 'The HTTP status phrase' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong, for a person' }),
    instance: Type.String({ description: 'The request path' }),
    code: Type.String({ description: 'Stable machine-readable code', examples: ['validation_failed'] }),
    requestId: Type.String({ description: 'The x-request-id of the request, for support' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ examples: ['body'] }),
          field: Type.String({ examples: ['email'] }),
          message: Type.String({ examples: ['must match format "email"'] }),
          index: Type.Optional(
            Type.Integer({ minimum: 0, description: 'In a batch: the position of the item' }),
          ),
          code: Type.Optional(Type.String({ description: 'In a batch: the code of the item' })),
          reason: Type.Optional(
            Type.String({ description: 'In a batch: a stable reason code', examples: ['unknown_center'] }),
          ),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem', additionalProperties: false },
)

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: string
  requestId: string
  errors?: FieldProblem[]
}

const MAX_INSTANCE_LENGTH = 200

/** The RFC 9457 document of a problem, as the API answers it. */
export function problemDocument(
  status: number,
  code: string,
  detail: string,
  context: { url: string; requestId: string },
  errors?: FieldProblem[],
): Problem {
  return {
    type: `urn:sesame:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    // A path too long to route is not echoed whole.
    instance: (context.url.split('?')[0] ?? context.url).slice(0, MAX_INSTANCE_LENGTH),
    code,
    requestId: context.requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
  }
}

/** A response of problems, as the OpenAPI document shows them. */
export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } },
})

/** What an operation needing a recent re-authentication answers to an older one. */
export const stepUpRequiredResponse = problemResponse(
  'Not authenticated, or (problem `step_up_required`) the authentication is older than 10 minutes: ' +
    're-authenticate with `POST /v1/auth/step-up` (or sign in again with Pro Santé Connect), then retry ' +
    'with the new access token.',
)
