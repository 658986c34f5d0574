import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../audit/audit.ts'
import { personOf, sessionEnded } from '../auth/authenticate.ts'
import { contextOf } from '../deps.ts'
import { DateTime, EXAMPLE_ID, Str, UuidOf } from '../shared/examples.ts'
import { loadMeInSession } from './me.ts'
import { endMySession, listMySessions } from './my-sessions.ts'
import { changePassword } from './password-setting.ts'
import { notificationTarget } from './repository.ts'
import { Password } from './schemas.ts'
import { confirmTotpEnrollment, removeTotp, startTotpEnrollment } from './totp.ts'

const security = [{ bearerAuth: [] }]
const SessionId = UuidOf(EXAMPLE_ID.session)

/** The signed-in person's own account, sessions and authenticator app. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app

  app.get(
    '/v1/me',
    {
      // The session is checked in the read's own statement.
      onRequest: guard.personChecked,
      schema: {
        tags: ['me'],
        operationId: 'getMe',
        summary: 'Identity, status, profile, rights, practice places, addresses, pending changes',
        description: 'For any signed-in person (an active account): their own account only.',
        security,
        response: { 200: Type.Ref('Me', { description: 'The signed-in person’s account as it is now.' }) },
      },
    },
    async (request) => {
      const me = await loadMeInSession(deps.db, deps.clock, personOf(request))
      if (!me) throw sessionEnded()
      return me
    },
  )

  app.get(
    '/v1/me/sessions',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'listMySessions',
        summary: 'Open sessions of this account',
        description:
          'For any signed-in person: their own open sessions, the most recently used first, this one flagged.',
        security,
        response: {
          200: Type.Object(
            {
              items: Type.Array(
                Type.Object({
                  id: SessionId,
                  current: Type.Boolean(),
                  createdAt: DateTime,
                  lastUsedAt: Type.String({ format: 'date-time', examples: ['2026-11-24T10:05:00.000Z'] }),
                  expiresAt: Type.String({ format: 'date-time', examples: ['2026-12-24T09:30:00.000Z'] }),
                  userAgent: Type.Union([
                    Str(
                      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
                    ),
                    Type.Null(),
                  ]),
                  ip: Type.Union([Str('203.0.113.24'), Type.Null()]),
                }),
              ),
            },
            { description: 'The open sessions, with where and when each was opened and last used.' },
          ),
        },
      },
    },
    async (request) => listMySessions(deps, personOf(request)),
  )

  app.delete(
    '/v1/me/sessions/:id',
    {
      onRequest: guard.person,
      schema: {
        tags: ['me'],
        operationId: 'endMySession',
        summary: 'Ends one of this account’s sessions',
        description:
          'For any signed-in person, on their own sessions only: another account’s session, or one already ' +
          'ended, is a 404. The session’s tokens stop working at once.',
        security,
        params: Type.Object({ id: SessionId }),
        response: { 204: Type.Null({ description: 'The session has ended.' }) },
      },
    },
    async (request, reply) => {
      await endMySession(deps, actorOf(request), personOf(request).sub, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.put(
    '/v1/me/password',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'changeMyPassword',
        summary: 'Changes the password; the other sessions end, this one stays',
        description:
          'For a signed-in person, on their own account: needs a recent re-authentication ' +
          '(`POST /v1/auth/step-up`, which asks the current password), else ' +
          '401 `step_up_required`. The policy is the same as at registration.',
        security,
        body: Type.Object(
          { password: Password, passwordConfirmation: Password },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null({ description: 'The password is changed; the other sessions have ended.' }),
        },
      },
    },
    async (request, reply) => {
      await changePassword(deps, contextOf(request), personOf(request), request.body)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/v1/me/totp',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'startTotp',
        summary: 'Starts setting up an authenticator app: scan the otpauth URI, then confirm a code',
        description:
          'For a signed-in person with a recent re-authentication (`POST /v1/auth/step-up`), else 401 ' +
          '`step_up_required`. A new secret, not asked at sign-in until confirmed; an app already set up is a ' +
          '409 `totp_enabled`.',
        security,
        response: {
          201: Type.Object(
            {
              otpauthUri: Str(
                'otpauth://totp/S%C3%A9same:claire.martin%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=S%C3%A9same',
              ),
              secret: Str('JBSWY3DPEHPK3PXP', { description: 'Base32, for manual entry' }),
            },
            { description: 'The new secret, as a URI for the app to scan and as text; never shown again.' },
          ),
        },
      },
    },
    async (request, reply) => {
      const person = personOf(request)
      const target = await notificationTarget(deps.db, person.sub)
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send(await startTotpEnrollment(deps, actorOf(request), person.sub, target.address))
    },
  )

  app.post(
    '/v1/me/totp/confirm',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'confirmTotp',
        summary: 'Confirms the authenticator app with one of its codes; sign-in then asks for it',
        description:
          'For a signed-in person with a recent re-authentication, after `POST /v1/me/totp`. A wrong code is a ' +
          '422 `invalid_code`; nothing started is a 409 `totp_not_started`.',
        security,
        body: Type.Object(
          { code: Type.String({ pattern: '^[0-9]{6}$', examples: ['482913'] }) },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null({ description: 'The app is confirmed: sign-in and step-up now ask for its codes.' }),
        },
      },
    },
    async (request, reply) => {
      await confirmTotpEnrollment(deps, actorOf(request), personOf(request).sub, request.body.code)
      return reply.status(204).send(null)
    },
  )

  app.delete(
    '/v1/me/totp',
    {
      onRequest: guard.steppedUp,
      schema: {
        tags: ['me'],
        operationId: 'removeTotp',
        summary: 'Removes the authenticator app: codes come by email again',
        description:
          'For a signed-in person, on their own account: needs a recent re-authentication ' +
          '(`POST /v1/auth/step-up`), else 401 `step_up_required`.',
        security,
        response: { 204: Type.Null({ description: 'The app is removed: codes are emailed again.' }) },
      },
    },
    async (request, reply) => {
      await removeTotp(deps, actorOf(request), personOf(request).sub)
      return reply.status(204).send(null)
    },
  )
}
