import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { PasswordHasher } from './auth/password-hasher.ts'
import type { SecretHasher } from './auth/secrets.ts'
import type { TokenService } from './auth/tokens.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { DB } from './db/schema.ts'
import type { EmailCatalog } from './notifications/catalog.ts'
import type { Outbox } from './notifications/outbox.ts'
import type { PscRelyingParty } from './psc/relying-party.ts'
import { clientKeyOf } from './shared/client-key.ts'
import type { LabEventPublisher } from './shared/lab-event-publisher.ts'
import type { SecretBox } from './shared/secret-box.ts'
import type { HitCounter } from './throttle/counters.ts'

/** What the rules of every area may depend on, built once by the app and handed to them explicitly. */
export interface Deps {
  db: Kysely<DB>
  /** The pg pool on PostgreSQL (bulk loads); undefined on the embedded engine. */
  pool?: pg.Pool | undefined
  clock: Clock
  config: Config
  outbox: Outbox<EmailCatalog>
  secrets: SecretHasher
  passwords: PasswordHasher
  box: SecretBox
  tokens: TokenService
  /** The attempt counters behind the throttles (passwords, codes). */
  attempts: HitCounter
  /** Pro Santé Connect, when configured. */
  psc?: PscRelyingParty | undefined
  /** The lab events, published in the caller's transaction (`lab-events/publish.ts`). */
  labEvents: LabEventPublisher
}

/** Who asks, for throttling and the audit trail. */
export interface RequestContext {
  /** The client's address, as recorded in sessions and the audit trail. */
  ip: string
  /** The key its attempts are counted under (`clientKeyOf`: the address, or its /64 for IPv6). */
  client: string
  requestId: string
  userAgent?: string | undefined
}

export const contextOf = (request: {
  ip: string
  id: string
  headers: Record<string, unknown>
}): RequestContext => ({
  ip: request.ip,
  client: clientKeyOf(request.ip),
  requestId: request.id,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
})
