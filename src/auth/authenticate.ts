import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { forbidden, unauthorized } from '../shared/errors.ts'
import { requireRecentAuthentication } from './step-up.ts'
import type { Claims, LabClaims, MailboxClaims, PersonClaims, TokenService } from './tokens.ts'

/**
 * A signed-in person: what the token says, and the roles the account holds now (not in the token).
 * Behind `guard.personChecked`, the session is not checked yet (`unchecked`, no roles): the route's own
 * statement checks it (see `readInSession`).
 */
export type PersonPrincipal = Omit<PersonClaims, 'typ'> & {
  kind: 'person'
  roles: string[]
  unchecked?: true
}
export type LabPrincipal = { kind: 'lab'; clientId: string; labId: string }
/** A person acting for a mailbox they switched into (`POST /v1/mailboxes/{id}/session`). */
export type MailboxPrincipal = {
  kind: 'mailbox'
  mailboxId: string
  mailboxAddress: string
  /** The person who acts, and their session. */
  actorId: string
  sessionId: string
}
export type Principal = PersonPrincipal | LabPrincipal | MailboxPrincipal

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyInstance {
    /** Route guards: who may call. Finer rules live in each area's policy module. */
    guard: {
      person: preHandlerAsyncHookHandler
      /**
       * A person's token, verified, but the session not checked here: for the hot reads that need no role
       * and check the session in their own one statement (`readInSession`), answering `sessionEnded()`.
       */
      personChecked: preHandlerAsyncHookHandler
      /** A person whose authentication is less than 10 minutes old (see `requireRecentAuthentication`). */
      steppedUp: preHandlerAsyncHookHandler
      role(role: string): preHandlerAsyncHookHandler
      /** A machine client of the lab named by the route's `labId` parameter. */
      lab: preHandlerAsyncHookHandler
      /** A mailbox token, while its member, the mailbox and the member's account and session are active. */
      mailbox: preHandlerAsyncHookHandler
    }
  }
}

export interface SessionCheck {
  /**
   * The account's current roles while this session is open (signed-out sessions stop working at once,
   * not at token expiry); null once it is not.
   */
  currentRoles(sessionId: string, accountId: string): Promise<string[] | null>
  /**
   * Whether the person may still act for the mailbox: session open, account active, still a member of
   * a mailbox that is active. One statement, on every request with a mailbox token.
   */
  actsForMailbox(sessionId: string, accountId: string, mailboxId: string): Promise<boolean>
}

/** Whether a lab's machine client still stands (not revoked): asked on every request with a lab token. */
export type LabClientCheck = (clientId: string, labId: string) => Promise<boolean>

/** The 401 of a token whose session is over (signed out, expired, or the account no longer active). */
export const sessionEnded = () => unauthorized('invalid_token', 'This session has ended.')

/** Reads the bearer token once per request; the guards then decide. */
export function installAuthentication(
  app: FastifyInstance,
  deps: {
    db: Executor
    tokens: TokenService
    clock: Clock
    sessions: SessionCheck
    labClientActive: LabClientCheck
  },
): void {
  app.decorateRequest('principal', null)

  const claimsOf = async (request: FastifyRequest): Promise<Claims> => {
    const header = request.headers.authorization
    const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null
    if (!match?.[1]) throw unauthorized()
    try {
      return await deps.tokens.verify(match[1])
    } catch {
      throw unauthorized('invalid_token', 'The access token is invalid or expired.')
    }
  }
  const personPrincipal = (claims: Claims & PersonClaims, roles: string[]): PersonPrincipal => {
    const { typ: _typ, iat: _iat, exp: _exp, iss: _iss, aud: _aud, ...person } = claims
    return { kind: 'person', ...person, roles }
  }

  // `checkSession: false`: the person's session is left to the route's own statement.
  const principalOf = async (request: FastifyRequest, checkSession = true): Promise<Principal> => {
    const claims = await claimsOf(request)
    if (claims.typ === 'lab') return labPrincipal(claims)
    if (claims.typ === 'mailbox') return mailboxPrincipal(claims)
    if (!checkSession) return { ...personPrincipal(claims, []), unchecked: true }
    const roles = await deps.sessions.currentRoles(claims.sid, claims.sub)
    if (!roles) throw sessionEnded()
    return personPrincipal(claims, roles)
  }

  const labPrincipal = async (claims: LabClaims): Promise<LabPrincipal> => {
    if (!(await deps.labClientActive(claims.sub, claims.lab)))
      throw unauthorized('invalid_token', 'This client has been revoked.')
    return { kind: 'lab', clientId: claims.sub, labId: claims.lab }
  }

  const mailboxPrincipal = async (claims: MailboxClaims): Promise<MailboxPrincipal> => {
    if (!(await deps.sessions.actsForMailbox(claims.sid, claims.act.sub, claims.sub)))
      throw unauthorized(
        'invalid_token',
        'This mailbox token no longer stands: the membership, the mailbox or the account is not active.',
      )
    return {
      kind: 'mailbox',
      mailboxId: claims.sub,
      mailboxAddress: claims.mailbox_address,
      actorId: claims.act.sub,
      sessionId: claims.sid,
    }
  }

  const personGuard =
    (checkSession: boolean): preHandlerAsyncHookHandler =>
    async (request) => {
      const principal = await principalOf(request, checkSession)
      if (principal.kind === 'mailbox')
        throw forbidden(
          'forbidden',
          'A mailbox token acts for its mailbox only: use your own access token here.',
        )
      if (principal.kind !== 'person')
        throw forbidden('forbidden', 'This endpoint is for people, not lab systems.')
      request.principal = principal
    }
  const person = personGuard(true)
  app.decorate('guard', {
    person,
    personChecked: personGuard(false),
    async steppedUp(request, reply) {
      // After another guard (a role), the principal is already known.
      if (request.principal?.kind !== 'person' || request.principal.unchecked)
        await person.call(this, request, reply)
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
      if (principal.kind !== 'lab') throw forbidden('forbidden', 'This endpoint is for lab systems.')
      const { labId } = request.params as { labId?: string }
      if (labId !== principal.labId) throw forbidden('forbidden', 'This token is for another lab.')
      request.principal = principal
    },
    async mailbox(request) {
      const principal = await principalOf(request)
      if (principal.kind !== 'mailbox')
        throw forbidden('forbidden', 'This endpoint is for a mailbox token: switch into the mailbox first.')
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

/** The mailbox and its acting member, on a route guarded by `guard.mailbox`. */
export function mailboxOf(request: FastifyRequest): MailboxPrincipal {
  if (request.principal?.kind !== 'mailbox') throw unauthorized()
  return request.principal
}
