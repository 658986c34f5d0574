import argon2 from 'argon2'
import type { FastifyRequest } from 'fastify'
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { DB } from '../../src/db/schema.ts'
import { searchEstablishments } from '../../src/directory/establishments.ts'
import { searchProfessionals } from '../../src/directory/search.ts'
import { searchKey } from '../../src/directory/search-key.ts'
import { mailboxDirectoryBaseline } from './mailboxes.ts'
import { activeSession } from './session-check.ts'

/** The password of the sign-in scenario's accounts. */
export const BENCH_PASSWORD = 'Velo-Rouge-Sur-La-Colline-1987!'

/** The service's default ARGON2_* settings (OWASP: 19 MiB, 2 passes, 1 lane). */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export interface BaselineRoute {
  method: 'GET' | 'POST'
  url: string
  handler(pool: pg.Pool, request: FastifyRequest): Promise<unknown>
}

export type Query = Record<string, string | undefined>
let passwordHash: Promise<string> | undefined
let kysely: Kysely<DB> | undefined

/**
 * The baseline of each HTTP scenario: the same SQL (or the same hash check) as the service's route, on
 * a bare Fastify route with no validation, authentication, rate limit, security headers, metrics or
 * logging.
 */
export const baselineRoutes: BaselineRoute[] = [
  {
    // A warm readiness check: a ping (migrations were seen applied at start).
    method: 'GET',
    url: '/health/ready',
    async handler(pool) {
      await pool.query('select 1')
      return { status: 'ok' }
    },
  },
  {
    // `searchProfessionals` by last-name prefix: the page of persons, then the activities of the page.
    method: 'GET',
    url: '/directory/professionals',
    async handler(pool, request) {
      const { lastName = '', limit = '20' } = request.query as Query
      const persons = await pool.query(
        `select * from "directory_persons" where "search_last_name" like $1
         order by "search_last_name", "search_first_name", "rpps" limit $2`,
        [`${searchKey(lastName).replace(/[\\%_]/g, '\\$&')}%`, Number(limit) + 1],
      )
      const page = persons.rows.slice(0, Number(limit))
      const rpps = page.map((row) => row.rpps as string)
      const activities =
        rpps.length === 0
          ? { rows: [] }
          : await pool.query(
              `select * from "directory_activities" where "rpps" in (${rpps.map((_, i) => `$${i + 1}`).join(', ')}) order by "line"`,
              rpps,
            )
      return {
        items: page.map((person) => ({
          ...person,
          activities: activities.rows.filter((a) => a.rpps === person.rpps),
        })),
      }
    },
  },
  {
    // The word searches of the directory: the service's own search functions (the same SQL, built the
    // same way), called from a bare route.
    method: 'GET',
    url: '/directory/words/:kind',
    async handler(pool, request) {
      const { kind } = request.params as { kind: string }
      const { q, limit = '20' } = request.query as Query
      kysely ??= new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
      const search = kind === 'professionals' ? searchProfessionals : searchEstablishments
      return search(kysely, { q, limit: Number(limit) })
    },
  },
  {
    // GET /v1/me: the session check of `activeSessionRoles`, then the queries of `loadMe`.
    method: 'GET',
    url: '/me',
    async handler(pool, request) {
      const { account, session } = request.query as Query
      await activeSession(pool, account, session)
      const me = await pool.query('select * from "accounts" where "id" = $1', [account])
      const [emails, identities, places, rights, changes] = await Promise.all([
        pool.query('select * from "account_emails" where "account_id" = $1 order by "created_at", "id"', [
          account,
        ]),
        pool.query(
          'select "application_id", "email_id" from "application_identities" where "account_id" = $1 order by "application_id"',
          [account],
        ),
        pool.query(
          `select "p"."id", "p"."is_primary", "s"."id" as "structure_id", "s"."name", "s"."city", "s"."finess", "s"."siret",
             "c"."id" as "center_id", "c"."code" as "center_code", "c"."name" as "center_name", "c"."lab_id"
           from "practice_places" as "p" inner join "structures" as "s" on "s"."id" = "p"."structure_id"
           left join "lab_centers" as "c" on "c"."id" = "p"."lab_center_id"
           where "p"."account_id" = $1 order by "p"."created_at", "p"."id"`,
          [account],
        ),
        pool.query(
          `select "r"."structure_id", "s"."name", "r"."name" as "right" from "rights" as "r"
           inner join "structures" as "s" on "s"."id" = "r"."structure_id"
           where "r"."account_id" = $1 and "r"."revoked_at" is null order by "s"."name", "r"."name"`,
          [account],
        ),
        pool.query(
          `select "id", "changes", "created_at" from "profile_change_requests" where "account_id" = $1 and "status" = $2`,
          [account, 'pending'],
        ),
      ])
      return {
        ...me.rows[0],
        emails: emails.rows,
        identities: identities.rows,
        places: places.rows,
        rights: rights.rows,
        changes: changes.rows,
      }
    },
  },
  {
    // GET /v1/approvals: the session check of `activeSessionRoles`, then the query of `listApprovals` (a delegate).
    method: 'GET',
    url: '/approvals',
    async handler(pool, request) {
      const { account, session, limit = '20' } = request.query as Query
      await activeSession(pool, account, session)
      const { rows } = await pool.query(
        `select "q"."id", "q"."rights", "q"."comment", "q"."status", "q"."at_registration", "q"."approver_id",
           "q"."created_at", "q"."granted_rights", "a"."id" as "account_id", "a"."civility", "a"."first_name",
           "a"."last_name", "a"."account_title", "a"."profile", "e"."address", "s"."id" as "structure_id",
           "s"."name" as "structure_name"
         from ((with "scopes" as (
             select $1::uuid as "approver_id", null::uuid as "structure_id"
             union all select "professional_id" as "approver_id", "structure_id" from "delegations"
             where "delegate_id" = $2 and "revoked_at" is null)
           select "hit".* from "scopes" inner join lateral (
             select "r".* from "access_requests" as "r"
             where "r"."approver_id" = "scopes"."approver_id"
               and ("scopes"."structure_id" is null or "r"."structure_id" = "scopes"."structure_id")
               and "r"."status" = $3 and "r"."account_id" != $4
             order by "r"."created_at" desc, "r"."id" desc limit $5) as "hit" on true
           order by "hit"."created_at" desc, "hit"."id" desc limit $6)) as "q"
         inner join "accounts" as "a" on "a"."id" = "q"."account_id"
         inner join "structures" as "s" on "s"."id" = "q"."structure_id"
         left join "account_emails" as "e" on "e"."account_id" = "a"."id" and "e"."is_login" = $7
         order by "q"."created_at" desc, "q"."id" desc`,
        [account, account, 'pending', account, Number(limit) + 1, Number(limit) + 1, true],
      )
      return { items: rows.slice(0, Number(limit)) }
    },
  },
  {
    // The password step of sign-in: one argon2id verification of the same password, same settings.
    method: 'POST',
    url: '/login',
    async handler(_pool, request) {
      passwordHash ??= argon2.hash(BENCH_PASSWORD, ARGON2)
      const { password } = request.body as { password: string }
      if (!(await argon2.verify(await passwordHash, password))) throw new Error('wrong password')
      return { ok: true }
    },
  },
  mailboxDirectoryBaseline,
]
