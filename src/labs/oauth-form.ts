import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Str } from '../shared/examples.ts'

/** A form value of printable ASCII: no control characters, no spaces (RFC 6749 Appendix A). */
export const FormValue = (example: string, maxLength = 200) =>
  Type.String({ pattern: '^[\\x21-\\x7e]+$', minLength: 1, maxLength, examples: [example] })

export const OAuthError = Type.Object({
  error: Type.Enum(['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'] as const),
  error_description: Str('Unknown client or wrong secret.'),
})

type OAuthErrorCode = Type.Static<typeof OAuthError>['error']

/** Answers an error in the RFC's own JSON (RFC 6749 §5.2), not as a problem. */
export function oauthError(
  reply: FastifyReply,
  status: 400 | 401,
  error: OAuthErrorCode,
  description: string,
) {
  if (status === 401) reply.header('www-authenticate', 'Basic realm="sesame"')
  return reply
    .status(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .send({ error, error_description: description })
}

const FORM = 'application/x-www-form-urlencoded'

/**
 * The OAuth endpoints read forms only (RFC 6749 §3.2, RFC 7662 §2.1): in their plugin, every other
 * parser (JSON included) is replaced by one that keeps no body, so that the route answers
 * `invalid_request` in the RFC's shape. A parameter given twice becomes a list, which the route's
 * schema refuses (parameters "MUST NOT be included more than once").
 */
export function acceptFormsOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    const form: Record<string, string | string[]> = {}
    for (const [name, value] of new URLSearchParams(body as string)) {
      const known = form[name]
      form[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value]
    }
    done(null, form)
  })
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined))
}

/** Why the form cannot be read, if it cannot: not a form, or a parameter that fails its schema. */
export function formProblem(request: FastifyRequest): string | undefined {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type !== FORM) return `The body must be a form (${FORM}).`
  if (request.validationError) return `The form is not valid: ${request.validationError.message}.`
  return undefined
}

export type ClientCredentials =
  | { ok: true; clientId: string; secret: string }
  | { ok: false; status: 400 | 401; error: 'invalid_request' | 'invalid_client'; description: string }

/**
 * The client's credentials (RFC 6749 §2.3.1): HTTP Basic, its two parts form-encoded, or
 * `client_id`/`client_secret` in the form; never both. Broken Basic credentials are `invalid_client`.
 */
export function clientCredentials(
  request: FastifyRequest,
  form: { client_id?: string | undefined; client_secret?: string | undefined },
): ClientCredentials {
  const header = request.headers.authorization
  if (header === undefined || !/^basic /i.test(header)) {
    if (form.client_id && form.client_secret)
      return { ok: true, clientId: form.client_id, secret: form.client_secret }
    return {
      ok: false,
      status: 401,
      error: 'invalid_client',
      description: 'Client authentication is required.',
    }
  }
  if (form.client_id || form.client_secret)
    return {
      ok: false,
      status: 400,
      error: 'invalid_request',
      description: 'Use one client authentication method.',
    }
  const broken = {
    ok: false,
    status: 400,
    error: 'invalid_client',
    description: 'The Basic credentials are malformed.',
  } as const
  const encoded = /^basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header)?.[1]
  if (!encoded) return broken
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) return broken
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' '))
    const secret = decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' '))
    if (!secret) return broken
    return { ok: true, clientId, secret }
  } catch {
    // A % not followed by two hex digits, or bytes that are not UTF-8.
    return broken
  }
}
