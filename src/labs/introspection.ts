import { sql } from 'kysely'
import { openSessionOf } from '../auth/sessions.ts'
import type { Claims, TokenService } from '../auth/tokens.ts'
import type { Clock } from '../clock.ts'
import type { Executor, RightName } from '../db/schema.ts'
import { practicePlaces, rightGrants } from '../memberships/fragments.ts'
import { isActiveLabClient } from './clients.ts'

/**
 * The session check of `auth/sessions.ts` (`openSessionOf`), answering also the sensitive rights the
 * account holds now, per structure id, at the structures the lab `labId` is tied to as its feed is (for
 * that lab's token introspection): a correspondent code of this lab for the structure that works (active, its link confirmed), or the
 * person's confirmed place there working with one of this lab's centres. Another lab's structures, or
 * one whose link is pending or rejected, are left out. Null once the session is not open.
 */
async function activeSessionState(
  db: Executor,
  clock: Clock,
  sessionId: string,
  accountId: string,
  labId: string,
): Promise<{ roles: string[]; rights: Record<string, RightName[]> } | null> {
  const { rows } = await sql<{ roles: string[]; rights: Record<string, RightName[]> }>`
    select a.roles,
      coalesce((select jsonb_object_agg(r.structure_id, r.names) from (
        select g.structure_id, array_agg(g.name order by g.name) as names from ${rightGrants} g
        where g.account_id = a.id and g.revoked_at is null
          and (exists (select 1 from correspondent_codes k
                       where k.structure_id = g.structure_id and k.lab_id = ${labId} and k.usable)
            or exists (select 1 from ${practicePlaces} p join lab_centers c on c.id = p.lab_center_id
                       where p.account_id = a.id and p.structure_id = g.structure_id
                         and p.status = 'confirmed' and c.lab_id = ${labId}))
        group by g.structure_id) r), '{}'::jsonb) as rights
    from ${openSessionOf(clock, sessionId, accountId)}`.execute(db)
  return rows[0] ?? null
}

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
