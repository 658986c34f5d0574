import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { actorOf, recordAudit } from '../audit/audit.ts'
import { personOf } from '../auth/authenticate.ts'
import { revokeSession } from '../auth/sessions.ts'
import { contextOf } from '../deps.ts'
import { EXAMPLE_ID, EXAMPLE_LINK_TOKEN, EXAMPLE_REFRESH_TOKEN, UuidOf } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { activateAccount, confirmPasswordReset, requestPasswordReset } from './recovery.ts'
import { Email, Password, TokenPair } from './schemas.ts'
import { completeSignIn, refreshSession, startSignIn } from './sign-in.ts'
import { completeStepUp, startStepUp } from './step-up.ts'

const strict = { additionalProperties: false } as const
const ChallengeId = UuidOf(EXAMPLE_ID.challenge)
const Challenge = Type.Object(
  {
    challengeId: ChallengeId,
    factors: Type.Array(Type.Enum(['email', 'totp'] as const)),
    expiresAt: Type.String({ format: 'date-time', examples: ['2026-11-24T09:40:00.000Z'] }),
  },
  {
    description:
      'The password is right: the challenge to answer with the emailed or authenticator code (10 minutes, 5 tries).',
  },
)
const Code = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$', examples: ['482913'] }) }, strict)

/** Sign-in in two steps, token refresh, sign-out, password reset and first activation. */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'signIn',
        summary: 'First step: email and password; a code is then mailed, or the authenticator app asked',
        description:
          'Public. An unknown address, a wrong password and an account that may not sign in get the same ' +
          '401 `invalid_credentials`. From one client address, failed passwords past the fifth wait longer ' +
          'each time (429); after 100 in a row the address is locked (429 `sign_in_locked`) until a password reset.',
        body: Type.Object(
          { email: Email, password: Password },
          {
            ...strict,
            examples: [{ email: 'claire.martin@example.org', password: 'Tournesol-vert-qui-chante-42' }],
          },
        ),
        response: { 200: Challenge },
      },
    },
    async (request) => startSignIn(deps, contextOf(request), request.body.email, request.body.password),
  )

  app.post(
    '/v1/auth/login/:challengeId',
    {
      schema: {
        tags: ['auth'],
        operationId: 'completeSignIn',
        summary: 'Second step: the code; answers the tokens',
        description:
          'Public: the challenge of the first step stands for the password. A wrong or expired code, or a ' +
          'challenge past its 5 tries, is a 401 `invalid_code`. A right one opens a session.',
        params: Type.Object({ challengeId: ChallengeId }),
        body: Code,
        response: {
          200: Type.With(TokenPair, {
            description: 'Signed in: an access token, and the refresh token of the new session.',
          }),
        },
      },
    },
    async (request) =>
      completeSignIn(deps, contextOf(request), request.params.challengeId, request.body.code),
  )

  app.post(
    '/v1/auth/step-up',
    {
      onRequest: guard.person,
      schema: {
        tags: ['auth'],
        operationId: 'startStepUp',
        summary: 'Re-authentication before a sensitive change: the password again, then a code',
        description:
          'For a signed-in person. Adding, promoting or removing an address, changing the password, setting up or removing the ' +
          'authenticator app and creating or withdrawing a delegation need an authentication of less than ' +
          '10 minutes; otherwise they answer 401 `step_up_required`. Same throttles and attempt limits as sign-in.',
        security: [{ bearerAuth: [] }],
        body: Type.Object({ password: Password }, strict),
        response: {
          202: Type.With(Challenge, {
            description:
              'The password is right: the challenge to answer, in this session, with the emailed or authenticator code.',
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await startStepUp(deps, contextOf(request), personOf(request), request.body.password)),
  )

  app.post(
    '/v1/auth/step-up/:challengeId',
    {
      onRequest: guard.person,
      schema: {
        tags: ['auth'],
        operationId: 'completeStepUp',
        summary: 'Re-authentication, second step: the code; answers an access token of this session, fresh',
        description:
          'For the signed-in person who started the step-up, in the same session only. A wrong or expired ' +
          'code is a 401 `invalid_code`. The session’s authentication time becomes now: the sensitive ' +
          'changes are open for 10 minutes, and refreshed tokens say so too.',
        security: [{ bearerAuth: [] }],
        params: Type.Object({ challengeId: ChallengeId }),
        body: Code,
        response: {
          200: Type.Omit(TokenPair, ['refreshToken'], {
            description: 'Re-authenticated: a new access token of this session, whose `auth_time` is now.',
          }),
        },
      },
    },
    async (request) =>
      completeStepUp(
        deps,
        contextOf(request),
        personOf(request),
        request.params.challengeId,
        request.body.code,
      ),
  )

  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        operationId: 'refreshTokens',
        summary: 'Spends the refresh token for a new pair; a spent token presented again ends the session',
        description:
          'Public: the refresh token is the credential. An unknown, spent or expired token, or one of an ' +
          'account no longer active, is a 401 `invalid_grant`; a spent one presented again also ends its session.',
        body: Type.Object({ refreshToken: Line(200, EXAMPLE_REFRESH_TOKEN, { minLength: 10 }) }, strict),
        response: {
          200: Type.With(TokenPair, {
            description: 'A new access token and the next refresh token; the one sent is spent.',
          }),
        },
      },
    },
    async (request) => refreshSession(deps, contextOf(request), request.body.refreshToken),
  )

  app.post(
    '/v1/auth/logout',
    {
      onRequest: guard.person,
      schema: {
        tags: ['auth'],
        operationId: 'signOut',
        summary: 'Ends this session',
        description:
          'For a signed-in person: the session of the access token ends at once, its refresh token with it.',
        security: [{ bearerAuth: [] }],
        response: { 204: Type.Null({ description: 'Signed out: this session’s tokens no longer work.' }) },
      },
    },
    async (request, reply) => {
      const person = personOf(request)
      await revokeSession(deps, person.sid, 'signed_out')
      await recordAudit(deps.db, deps.clock, actorOf(request), {
        action: 'auth.signed_out',
        subjectType: 'session',
        subjectId: person.sid,
      })
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/v1/auth/password-resets',
    {
      schema: {
        tags: ['auth'],
        operationId: 'requestPasswordReset',
        summary: 'Mails a single-use reset link (30 minutes) to an active account; always 202',
        description:
          'Public. The answer and its timing are the same whether or not the address belongs to an active ' +
          'account; each new link spends the ones sent before. Throttled per address and per client address (429).',
        body: Type.Object({ email: Email }, strict),
        response: {
          202: Type.Null({
            description: 'Accepted, with no body: a link is mailed if the address is an active account’s.',
          }),
        },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(deps, contextOf(request), request.body.email)
      // No body at all (a null would be serialised as `null`).
      return (reply as FastifyReply).status(202).send()
    },
  )

  app.post(
    '/v1/auth/password-resets/confirm',
    {
      schema: {
        tags: ['auth'],
        operationId: 'confirmPasswordReset',
        summary: 'Sets a new password with the link’s token; every session of the account ends',
        description:
          'Public: the link’s token is the credential. An expired or used token is a 400 `invalid_token`; ' +
          'a password the policy refuses (too short, easy to guess, holding the person’s name) is a 400 `weak_password`.',
        body: Type.Object(
          {
            token: Line(200, EXAMPLE_LINK_TOKEN, { minLength: 20 }),
            password: Password,
            passwordConfirmation: Password,
          },
          strict,
        ),
        response: {
          204: Type.Null({ description: 'The password is set; every session of the account has ended.' }),
        },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(deps, contextOf(request), request.body)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/v1/auth/activation',
    {
      schema: {
        tags: ['auth'],
        operationId: 'activateAccount',
        summary: 'First sign-in with the provisional access code mailed at validation: sets the password',
        description:
          'Public, for an account validated without a password. A wrong address or code gets the same 401 ' +
          '`invalid_credentials`; 5 tries per address from one client address. The person then signs in ' +
          'with the new password.',
        body: Type.Object(
          {
            email: Email,
            provisionalCode: Line(40, 'K7QMP-4ZT9X', { minLength: 6 }),
            password: Password,
            passwordConfirmation: Password,
          },
          strict,
        ),
        response: { 204: Type.Null({ description: 'The password is set and the provisional code spent.' }) },
      },
    },
    async (request, reply) => {
      await activateAccount(deps, contextOf(request), request.body)
      return reply.status(204).send(null)
    },
  )
}
