import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { forbidden, unauthorized } from '../shared/errors.ts'
import { requireRecentAuthentication } from './step-up.ts'
import type { Claims, LabClaims, PersonClaims, TokenService } from './tokens.ts'

export type PersonPrincipal = Omit<PersonClaims, 'typ'> & { kind: 'person' }
export type LabPrincipal = { kind: 'lab'; clientId: string; labId: string }
export type Principal = PersonPrincipal | LabPrincipal

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyInstance {
    tokens: TokenService
    /** Route guards: who may call. Finer rules live in each area's policy module. */
    guard: {
      person: preHandlerAsyncHookHandler
      /** A person whose authentication is less than 10 minutes old (see `requireRecentAuthentication`). */
      steppedUp: preHandlerAsyncHookHandler
      role(role: string): preHandlerAsyncHookHandler
      /** A machine client of the lab named by the route's `labId` parameter. */
      lab: preHandlerAsyncHookHandler
    }
  }
}

export interface SessionCheck {
  /** Is this session still open? (Signed-out sessions stop working at once, not at token expiry.) */
  isActive(sessionId: string, accountId: string): Promise<boolean>
}

/** Reads the bearer token once per request; the guards then decide. */
export function installAuthentication(
  app: FastifyInstance,
  deps: { db: Executor; tokens: TokenService; clock: Clock; sessions?: SessionCheck },
): void {
  app.decorate('tokens', deps.tokens)
  app.decorateRequest('principal', null)

  const principalOf = async (request: FastifyRequest): Promise<Principal> => {
    const header = request.headers.authorization
    const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null
    if (!match?.[1]) throw unauthorized()
    let claims: Claims
    try {
      claims = await deps.tokens.verify(match[1])
    } catch {
      throw unauthorized('The access token is invalid or expired.', 'invalid_token')
    }
    if (claims.typ === 'lab') return labPrincipal(claims)
    if (deps.sessions && !(await deps.sessions.isActive(claims.sid, claims.sub))) {
      throw unauthorized('This session has ended.', 'invalid_token')
    }
    const { typ: _typ, iat: _iat, exp: _exp, iss: _iss, ...person } = claims
    return { kind: 'person', ...person }
  }

  const labPrincipal = async (claims: LabClaims): Promise<LabPrincipal> => {
    const client = await deps.db
      .selectFrom('lab_clients')
      .select('id')
      .where('id', '=', claims.sub)
      .where('lab_id', '=', claims.lab)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (!client) throw unauthorized('This client has been revoked.', 'invalid_token')
    return { kind: 'lab', clientId: claims.sub, labId: claims.lab }
  }

  const person: preHandlerAsyncHookHandler = async (request) => {
    const principal = await principalOf(request)
    if (principal.kind !== 'person') throw forbidden('This endpoint is for people, not lab systems.')
    request.principal = principal
  }
  app.decorate('guard', {
    person,
    async steppedUp(request, reply) {
      // After another guard (a role), the principal is already known.
      if (request.principal?.kind !== 'person') await person.call(this, request, reply)
      requireRecentAuthentication(personOf(request), deps.clock.now())
    },
    role(role: string): preHandlerAsyncHookHandler {
      return async function (this: FastifyInstance, request, reply) {
        await person.call(this, request, reply)
        if (request.principal?.kind !== 'person' || !request.principal.roles.includes(role)) throw forbidden()
      }
    },
    async lab(request) {
      const principal = await principalOf(request)
      if (principal.kind !== 'lab') throw forbidden('This endpoint is for lab systems.')
      const { labId } = request.params as { labId?: string }
      if (labId !== principal.labId) throw forbidden('This token is for another lab.')
      request.principal = principal
    },
  })
}

/** The signed-in person of a guarded route. */
export function personOf(request: FastifyRequest): PersonPrincipal {
  if (request.principal?.kind !== 'person') throw unauthorized()
  return request.principal
}

export function labOf(request: FastifyRequest): LabPrincipal {
  if (request.principal?.kind !== 'lab') throw unauthorized()
  return request.principal
}
