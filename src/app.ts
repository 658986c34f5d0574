import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import type { Logger } from 'pino'
import { accountRequestRoutes } from './access/account-request-routes.ts'
import { accessAdminRoutes } from './access/admin-routes.ts'
import { delegationRoutes } from './access/delegation-routes.ts'
import { labRegistrationNumbers } from './access/fragments.ts'
import { membershipRoutes } from './access/membership-routes.ts'
import { placeRoutes } from './access/place-routes.ts'
import { accessRoutes } from './access/routes.ts'
import { authRoutes } from './accounts/auth-routes.ts'
import { accountSummaries } from './accounts/fragments.ts'
import { meRoutes } from './accounts/me-routes.ts'
import { createPasswordHasher } from './accounts/passwords.ts'
import { profileRoutes } from './accounts/profile-routes.ts'
import { pscRoutes } from './accounts/psc-routes.ts'
import { publicAccountRoutes } from './accounts/public-routes.ts'
import { Me } from './accounts/schemas.ts'
import { supportRoutes } from './accounts/support-routes.ts'
import { installAuthentication } from './auth/authenticate.ts'
import { jwksRoutes } from './auth/routes.ts'
import { createSecretHasher } from './auth/secrets.ts'
import { activeSessionRoles } from './auth/sessions.ts'
import { createTokenService } from './auth/tokens.ts'
import { type Clock, systemClock } from './clock.ts'
import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { migrationNames } from './db/migrate.ts'
import type { Deps } from './deps.ts'
import { directoryImportRoutes } from './directory/import-routes.ts'
import { directoryRoutes } from './directory/routes.ts'
import { DirectoryEstablishment, DirectoryProfessional } from './directory/schemas.ts'
import { emailTemplates } from './email-templates.ts'
import { identifierRoutes } from './identifiers/routes.ts'
import { labEventPublisher } from './lab-events/publish.ts'
import { labFeedRoutes } from './lab-events/routes.ts'
import { isActiveLabClient } from './labs/clients.ts'
import { labApiRoutes } from './labs/lab-api-routes.ts'
import { linkRoutes } from './labs/link-routes.ts'
import { oauthRoutes } from './labs/oauth-routes.ts'
import { labRoutes } from './labs/routes.ts'
import { createLogger, requestLogger } from './logger.ts'
import { mailboxAdminRoutes } from './mailboxes/admin-routes.ts'
import { actsForMailbox } from './mailboxes/member-repository.ts'
import { mailboxMemberRoutes } from './mailboxes/member-routes.ts'
import { Mailbox } from './mailboxes/response-schemas.ts'
import { mailboxRoutes } from './mailboxes/routes.ts'
import type { EmailCatalog } from './notifications/catalog.ts'
import { createOutbox } from './notifications/outbox.ts'
import { createMailTransport, type MailTransport } from './notifications/transport.ts'
import { createOutboxWorker, type OutboxWorker } from './notifications/worker.ts'
import { opsRoutes } from './ops/routes.ts'
import { installDraining } from './plugins/draining.ts'
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './plugins/errors.ts'
import { installMetrics } from './plugins/metrics.ts'
import { installSecurity } from './plugins/security.ts'
import { installSwagger } from './plugins/swagger.ts'
import { installValidation } from './plugins/validation.ts'
import { createPscRelyingParty, pscSettingsOf } from './psc/relying-party.ts'
import { SecretBox } from './shared/secret-box.ts'
import { trustProxyOption } from './shared/trust-proxy.ts'
import { structureRoutes } from './structures/routes.ts'
import { Structure } from './structures/schemas.ts'
import { createHitCounter } from './throttle/counters.ts'

declare module 'fastify' {
  interface FastifyInstance {
    outboxWorker: OutboxWorker
    /** What every area depends on: the one way routes and rules get the database, clock, outbox… */
    deps: Deps
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface AppOptions {
  config: Config
  database: Database
  /** The service key (see `loadSecretKey`). */
  secretKey: Buffer
  clock?: Clock
  logger?: Logger
  /** Where emails go; by default from the configuration (SMTP, or `.eml` files). */
  mailTransport?: MailTransport
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Builds the service without listening: the server entry listens, tests inject. The app does not own
 * the database: whoever opened it closes it, after the app.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config, database } = options
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? createLogger(config)

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    // A caller's x-request-id is kept when it is a sane token, else replaced.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    childLoggerFactory: requestLogger,
    ajv: { customOptions: { coerceTypes: false } },
    // Errors before routing and before parsing are problems too (see plugins/errors.ts).
    frameworkErrors,
    clientErrorHandler,
    // A request that arrives while the server closes is served, not refused (see plugins/draining.ts).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  const box = new SecretBox(options.secretKey)
  const transport = options.mailTransport ?? createMailTransport(config, logger)
  const worker = createOutboxWorker(config, {
    db: database.db,
    transport,
    templates: emailTemplates,
    box,
    clock,
    logger,
  })
  app.decorate('outboxWorker', worker)
  if (config.OUTBOX_WORKER) {
    app.addHook('onReady', async () => worker.start())
  }
  app.addHook('onClose', async () => {
    await worker.stop()
    if (!options.mailTransport) transport.close()
  })

  installValidation(app)
  installErrorHandling(app)
  installDraining(app)
  installMetrics(app, { db: database.db })
  await installSecurity(app, { config, db: database.db, clock })
  await installSwagger(app, config)

  // Schemas that several areas answer with, under components.schemas in the OpenAPI document.
  for (const schema of [Structure, DirectoryProfessional, DirectoryEstablishment, Me, Mailbox])
    app.addSchema(schema)
  const tokens = createTokenService({ db: database.db, box, clock, audience: config.TOKEN_AUDIENCE })
  const pscSettings = pscSettingsOf(config)
  const deps: Deps = {
    db: database.db,
    pool: database.pool,
    clock,
    config,
    outbox: createOutbox<EmailCatalog>({ box, clock, defaultLocale: config.MAIL_LOCALE }),
    secrets: createSecretHasher(options.secretKey),
    passwords: createPasswordHasher(config),
    box,
    tokens,
    attempts: createHitCounter(database.db),
    psc: pscSettings && createPscRelyingParty(pscSettings, logger),
    // Over accounts' and access's fragments: lab-events/ imports neither area.
    labEvents: labEventPublisher(clock, { people: accountSummaries, labNumbers: labRegistrationNumbers }),
  }
  app.decorate('deps', deps)
  installAuthentication(app, {
    db: database.db,
    tokens,
    clock,
    sessions: {
      currentRoles: (sessionId, accountId) => activeSessionRoles(database.db, clock, sessionId, accountId),
      actsForMailbox: (sessionId, accountId, mailboxId) =>
        actsForMailbox(database.db, clock, sessionId, accountId, mailboxId),
    },
    // The lab clients are labs/'s, and labs/ uses the guards: auth/ is handed the check, not labs/.
    labClientActive: (clientId, labId) => isActiveLabClient(database.db, clientId, labId),
  })

  await app.register(opsRoutes, {
    db: database.db,
    migrations: await migrationNames(),
    serveMetrics: config.METRICS_PORT === undefined,
  })
  await app.register(jwksRoutes)
  await app.register(publicAccountRoutes)
  await app.register(authRoutes)
  await app.register(pscRoutes)
  await app.register(meRoutes)
  await app.register(profileRoutes)
  await app.register(placeRoutes)
  await app.register(supportRoutes)
  await app.register(accessRoutes)
  await app.register(delegationRoutes)
  await app.register(accessAdminRoutes)
  await app.register(membershipRoutes)
  await app.register(accountRequestRoutes)
  await app.register(labFeedRoutes)
  await app.register(directoryRoutes)
  await app.register(directoryImportRoutes)
  await app.register(identifierRoutes, {
    acceptAnyRppsCheckDigit: config.IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT,
  })
  await app.register(structureRoutes)
  await app.register(labRoutes)
  await app.register(linkRoutes)
  await app.register(oauthRoutes)
  await app.register(labApiRoutes)
  await app.register(mailboxRoutes)
  await app.register(mailboxMemberRoutes)
  await app.register(mailboxAdminRoutes)
  return app
}
