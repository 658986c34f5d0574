import type { Clock } from '../clock.ts'
import type { Executor, RightName } from '../db/schema.ts'
import { isActiveLabClient } from '../labs/clients.ts'
import { activeSessionState } from './sessions.ts'
import type { Claims, TokenService } from './tokens.ts'

/** RFC 7662 §2.2: an inactive token says nothing more about itself. */
export type Introspection =
  | { active: false }
  | {
      active: true
      token_type: 'Bearer'
      sub: string
      iss: string
      aud: string
      iat: number
      exp: number
      client_id?: string
      auth_time?: number
      amr?: string[]
      account_status?: 'active'
      roles?: string[]
      rights?: Record<string, RightName[]>
    }

const INACTIVE = { active: false } as const

/**
 * What a token stands for now (RFC 7662), for a lab system that authenticated as one of its clients:
 * a person's token is active while its session is open and the account active, and answers the
 * person's current roles and sensitive rights per structure, at the structures tied to the calling lab
 * only (never another lab's), read in the same statement as the session check, so that a right
 * withdrawn a second ago is gone. A lab token is active for its own lab only, while its client is not
 * revoked. Anything else (a mailbox token too) is `{ active: false }`.
 */
export async function introspectToken(
  deps: { db: Executor; clock: Clock; tokens: TokenService },
  token: string,
  caller: { labId: string },
): Promise<Introspection> {
  let claims: Claims
  try {
    claims = await deps.tokens.verify(token)
  } catch {
    return INACTIVE
  }
  const common = {
    active: true,
    token_type: 'Bearer',
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    iat: claims.iat,
    exp: claims.exp,
  } as const
  // A mailbox token is for the mailbox platform, not for lab systems: they learn nothing of it.
  if (claims.typ === 'mailbox') return INACTIVE
  if (claims.typ === 'lab') {
    if (claims.lab !== caller.labId) return INACTIVE
    return (await isActiveLabClient(deps.db, claims.sub, claims.lab))
      ? { ...common, client_id: claims.sub }
      : INACTIVE
  }
  const current = await activeSessionState(deps.db, deps.clock, claims.sid, claims.sub, caller.labId)
  if (!current) return INACTIVE
  return {
    ...common,
    auth_time: claims.auth_time,
    amr: claims.amr,
    account_status: 'active',
    roles: current.roles,
    rights: current.rights,
  }
}
