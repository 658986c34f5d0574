import { Ajv } from 'ajv'
import { Type } from 'typebox'
import { PROFESSIONS } from './shared/professions.ts'
import { isRegionCode } from './shared/regions.ts'
import { type TrustProxy, trustProxyOf } from './shared/trust-proxy.ts'

/**
 * Every setting of the service, read once from the environment. Nothing else reads `process.env`.
 * Each variable, its default and its meaning is documented in `.env.example`.
 */
const Bool = Type.Boolean()
const Port = Type.Integer({ minimum: 0, maximum: 65535 })
const Positive = Type.Integer({ minimum: 1 })
const Url = (schemes: string) => Type.String({ pattern: `^(${schemes})://` })
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
/** A mail domain of at least two labels, lower case. */
const DOMAIN = `${LABEL}(?:\\.${LABEL})+`

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ ...Port, default: 3000 }),
  METRICS_PORT: Type.Optional(Port),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
    default: 'info',
  }),
  PUBLIC_BASE_URL: Type.Optional(Url('https?')),
  TRUST_PROXY: Type.String({ default: 'false' }),
  DATABASE_URL: Type.Optional(Url('postgres|postgresql')),
  DATABASE_POOL_SIZE: Type.Integer({ ...Positive, default: 10 }),
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  SECRET_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  SMTP_URL: Type.Optional(Url('smtps?')),
  SMTP_POOL_CONNECTIONS: Type.Integer({ ...Positive, maximum: 50, default: 2 }),
  SMTP_POOL_MESSAGES: Type.Integer({ ...Positive, default: 100 }),
  SMTP_RATE_PER_SECOND: Type.Integer({ minimum: 0, default: 0 }),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Sésame <no-reply@sesame.localhost>' }),
  MAIL_LOCALE: Type.Union([Type.Literal('fr'), Type.Literal('en')], { default: 'fr' }),
  OUTBOX_WORKER: Type.Boolean({ default: true }),
  OUTBOX_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  OUTBOX_BATCH_SIZE: Type.Integer({ ...Positive, maximum: 500, default: 20 }),
  OUTBOX_MAX_ATTEMPTS: Type.Integer({ ...Positive, maximum: 50, default: 8 }),
  OUTBOX_BACKOFF_BASE_MS: Type.Integer({ ...Positive, default: 5000 }),
  OUTBOX_BACKOFF_MAX_MS: Type.Integer({ ...Positive, default: 3_600_000 }),
  CORS_ORIGINS: Type.String({ default: '' }),
  BODY_LIMIT_BYTES: Type.Integer({ ...Positive, default: 1_048_576 }),
  RATE_LIMIT_MAX: Type.Integer({ ...Positive, default: 300 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ ...Positive, default: 60_000 }),
  REDIS_URL: Type.Optional(Url('rediss?')),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
  MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  DOCS_ENABLED: Type.Optional(Bool),
  SHUTDOWN_GRACE_MS: Type.Integer({ ...Positive, default: 10_000 }),
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, default: 3_000 }),
  IDENTIFIERS_ACCEPT_ANY_RPPS_CHECK_DIGIT: Type.Boolean({ default: false }),
  PORTAL_URL: Type.String({ pattern: '^https?://', default: 'http://localhost:5173' }),
  SUPPORT_EMAIL: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', default: 'support@sesame.localhost' }),
  TERMS_VERSION: Type.String({ minLength: 1, default: '2026-01' }),
  TERMS_URL: Type.String({ pattern: '^https?://', default: 'http://localhost:5173/terms/2026-01' }),
  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 8192, default: 19_456 }),
  ARGON2_TIME_COST: Type.Integer({ minimum: 1, default: 2 }),
  ARGON2_PARALLELISM: Type.Integer({ minimum: 1, default: 1 }),
  SESSION_TTL_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  TOKEN_AUDIENCE: Type.String({ pattern: '^[\\x21-\\x7e]{1,200}$', default: 'sesame-api' }),
  PSC_DISCOVERY_URL: Type.Optional(Url('https?')),
  PSC_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{1,200}$' })),
  PSC_CLIENT_SECRET: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{1,500}$' })),
  PSC_SCOPES: Type.String({ pattern: '^[\\x21-\\x7e]+( [\\x21-\\x7e]+)*$', default: 'openid scope_all' }),
  PSC_ACR_VALUES: Type.String({ pattern: '^[\\x21-\\x7e]+( [\\x21-\\x7e]+)*$', default: 'eidas1' }),
  PSC_REDIRECT_URIS: Type.String({ default: '' }),
  PSC_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  MSSANTE_DOMAIN: Type.Optional(Type.String({ pattern: `^${DOMAIN}$`, maxLength: 190 })),
  MSSANTE_DOMAINS_BY_PROFESSION: Type.String({
    pattern: `^(?:[0-9]{2}=${DOMAIN}(?:,[0-9]{2}=${DOMAIN})*)?$`,
    default: '',
  }),
  MAILBOX_REGIONS: Type.String({ pattern: '^(?:[0-9]{2}(?:,[0-9]{2})*)?$', default: '' }),
})

export type RawConfig = Type.Static<typeof ConfigSchema>

export interface Config
  extends Omit<
    RawConfig,
    | 'CORS_ORIGINS'
    | 'DOCS_ENABLED'
    | 'TRUST_PROXY'
    | 'PSC_REDIRECT_URIS'
    | 'MSSANTE_DOMAIN'
    | 'MSSANTE_DOMAINS_BY_PROFESSION'
    | 'MAILBOX_REGIONS'
  > {
  CORS_ORIGINS: string[]
  /** The front-end pages Pro Santé Connect may send a person back to. */
  PSC_REDIRECT_URIS: string[]
  DOCS_ENABLED: boolean
  /** The proxies in front: none, a hop count, or their addresses and CIDR ranges. */
  TRUST_PROXY: TrustProxy
  /** The operator's MSSanté domain: mailbox addresses are made in it. */
  MSSANTE_DOMAIN: string
  /** A domain per national profession code of the mailbox's responsible, where the operator has one. */
  MSSANTE_DOMAINS_BY_PROFESSION: Record<string, string>
  /** The INSEE codes of the regions where mailboxes may be created; empty: every region. */
  MAILBOX_REGIONS: string[]
}

/** Outside production, the MSSanté domain when none is set. */
export const DEVELOPMENT_MSSANTE_DOMAIN = 'mssante.localhost'

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false }).compile(
  ConfigSchema,
)

/**
 * Reads and validates the configuration. Values are never echoed back in errors: some are secrets.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties)
  const input: Record<string, unknown> = {}
  for (const name of known) {
    const value = env[name]
    if (value !== undefined && value !== '') input[name] = value
  }
  if (!validate(input)) {
    const problems = new Map<string, string>()
    for (const error of validate.errors ?? []) {
      const name = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '')
      if (!problems.has(name))
        problems.set(name, `${name} ${expectation(name) ?? error.message ?? 'is invalid'}`)
    }
    throw new ConfigError([...problems.values()])
  }
  const raw = input as RawConfig
  const problems: string[] = []
  if (raw.NODE_ENV === 'production' && !raw.SECRET_KEY) {
    // Instances must share the key that seals secrets waiting in the outbox.
    problems.push('SECRET_KEY is required in production (64 hex digits, shared by every instance)')
  }
  const trustProxy = trustProxyOf(raw.TRUST_PROXY)
  if (!trustProxy.ok) problems.push(`TRUST_PROXY ${trustProxy.problem}`)
  if (raw.METRICS_PORT !== undefined && raw.METRICS_PORT !== 0 && raw.METRICS_PORT === raw.PORT) {
    problems.push('METRICS_PORT must differ from PORT: the metrics are kept off the API port')
  }
  if (raw.NODE_ENV === 'production' && !raw.MSSANTE_DOMAIN) {
    problems.push('MSSANTE_DOMAIN is required in production (the domain mailbox addresses are made in)')
  }
  const domainsByProfession = Object.fromEntries(
    raw.MSSANTE_DOMAINS_BY_PROFESSION.split(',')
      .filter(Boolean)
      .map((entry) => entry.split('=') as [string, string]),
  )
  const unknownProfessions = Object.keys(domainsByProfession).filter((code) => !(code in PROFESSIONS))
  if (unknownProfessions.length > 0) {
    problems.push(
      `MSSANTE_DOMAINS_BY_PROFESSION names codes that are no national profession: ${unknownProfessions.join(', ')}`,
    )
  }
  const mailboxRegions = [...new Set(raw.MAILBOX_REGIONS.split(',').filter(Boolean))]
  const unknownRegions = mailboxRegions.filter((code) => !isRegionCode(code))
  if (unknownRegions.length > 0) {
    problems.push(`MAILBOX_REGIONS names codes that are no region: ${unknownRegions.join(', ')}`)
  }
  if (raw.SHUTDOWN_DRAIN_MS >= raw.SHUTDOWN_GRACE_MS) {
    problems.push('SHUTDOWN_DRAIN_MS must be shorter than SHUTDOWN_GRACE_MS (the drain is part of it)')
  }
  const psc = pscProblems(raw)
  problems.push(...psc.problems)
  if (problems.length > 0 || !trustProxy.ok) throw new ConfigError(problems)
  const corsOrigins = raw.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
  return {
    ...raw,
    TRUST_PROXY: trustProxy.value,
    PSC_REDIRECT_URIS: psc.redirectUris,
    // Outside production, the portal in development may call the API from the browser at once.
    CORS_ORIGINS:
      corsOrigins.length > 0 || raw.NODE_ENV === 'production'
        ? corsOrigins
        : [new URL(raw.PORTAL_URL).origin],
    DOCS_ENABLED: raw.DOCS_ENABLED ?? raw.NODE_ENV !== 'production',
    MSSANTE_DOMAIN: raw.MSSANTE_DOMAIN ?? DEVELOPMENT_MSSANTE_DOMAIN,
    MSSANTE_DOMAINS_BY_PROFESSION: domainsByProfession,
    MAILBOX_REGIONS: mailboxRegions,
  }
}

const PSC_VARIABLES = [
  'PSC_DISCOVERY_URL',
  'PSC_CLIENT_ID',
  'PSC_CLIENT_SECRET',
  'PSC_REDIRECT_URIS',
] as const
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Pro Santé Connect is on when its four variables are set, off when none is; half of them is a mistake.
 * Its addresses are HTTPS, but on the loopback (a provider on the developer's machine or in tests).
 */
function pscProblems(raw: RawConfig): { problems: string[]; redirectUris: string[] } {
  const problems: string[] = []
  const redirectUris = raw.PSC_REDIRECT_URIS.split(',')
    .map((uri) => uri.trim())
    .filter(Boolean)
  const set = PSC_VARIABLES.filter((name) => (name === 'PSC_REDIRECT_URIS' ? redirectUris.length : raw[name]))
  if (set.length > 0 && set.length < PSC_VARIABLES.length) {
    const missing = PSC_VARIABLES.filter((name) => !set.includes(name))
    problems.push(
      `${missing.join(', ')} must be set too: Pro Santé Connect needs all of ${PSC_VARIABLES.join(', ')}`,
    )
  }
  if (raw.PSC_DISCOVERY_URL && !secureOrLoopback(raw.PSC_DISCOVERY_URL)) {
    problems.push('PSC_DISCOVERY_URL must be an https:// address (http:// only on the loopback)')
  }
  for (const uri of redirectUris) {
    if (!secureOrLoopback(uri) || new URL(uri).search || uri.includes('#')) {
      problems.push(
        'PSC_REDIRECT_URIS must list absolute https:// addresses without query or fragment, separated by commas',
      )
      break
    }
  }
  return { problems, redirectUris }
}

function secureOrLoopback(address: string): boolean {
  const url = URL.parse(address)
  if (!url) return false
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
}

function expectation(name: string): string | undefined {
  const schema = (
    ConfigSchema.properties as Record<string, { anyOf?: { const: string }[]; enum?: string[] }>
  )[name]
  const values = schema?.enum ?? schema?.anyOf?.map((option) => option.const)
  return values ? `must be one of: ${values.join(', ')}` : undefined
}

/** A configuration for tests and tools: defaults, quiet logs, overridable. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  // Parallel test files load the machine: no load shedding there.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    OUTBOX_WORKER: 'false',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...overrides,
  })
}
