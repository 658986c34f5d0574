import { type RawBuilder, sql } from 'kysely'
import { fixedReadInSession, type SessionRef } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import { isoTime, jsonList } from '../db/json.ts'
import type { Executor } from '../db/schema.ts'
import { labCenters } from '../labs/fragments.ts'
import { practicePlaces, rightGrants } from '../memberships/fragments.ts'
import { notFound } from '../shared/errors.ts'
import { professionOf } from '../shared/professions.ts'
import { structureSummaries } from '../structures/fragments.ts'

/** What `meJson` builds, as the API answers it but the profession (a code until `meView`). */
type MeRow = { profession: string | null } & Record<string, unknown>

/**
 * SQL: everything a person sees of their own account, from the current state, as one JSON object built
 * by PostgreSQL (addresses with the applications that know them, places, rights in force per
 * structure, identity changes waiting): one statement, whatever the account holds.
 */
const meJson = (accountId: RawBuilder<unknown>) => sql<MeRow>`
  select json_build_object(
    'id', acc.id, 'status', acc.status, 'profile', acc.profile, 'roles', acc.roles,
    'civility', acc.civility, 'practiceCivility', acc.practice_civility,
    'firstName', acc.first_name, 'lastName', acc.last_name, 'profession', acc.profession_code,
    'rpps', acc.rpps, 'accountTitle', acc.account_title, 'phones', acc.phones, 'locale', acc.locale,
    'totpEnabled', acc.totp_confirmed_at is not null, 'pscLinked', acc.psc_national_id is not null,
    'identityVerifiedBy', acc.identity_verified_by,
    'emails', ${jsonList(sql`
      select json_agg(json_build_object('id', e.id, 'address', e.address, 'isLogin', e.is_login,
        'isNotification', e.is_notification,
        'applications', array(select i.application_id from application_identities i
          where i.account_id = e.account_id and i.email_id = e.id order by i.application_id))
        order by e.created_at, e.id)
      from account_emails e where e.account_id = acc.id`)},
    'practicePlaces', ${jsonList(sql`
      select json_agg(json_build_object('id', p.id, 'primary', p.is_primary, 'status', p.status,
        'structure', json_build_object('id', s.id, 'name', s.name, 'city', s.city, 'finess', s.finess,
          'siret', s.siret),
        'labCenter', case when c.id is not null then
          json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'labId', c.lab_id) end)
        order by p.created_at, p.id)
      from ${practicePlaces} p join ${structureSummaries} s on s.id = p.structure_id
        left join ${labCenters} c on c.id = p.lab_center_id
      where p.account_id = acc.id`)},
    'rights', ${jsonList(sql`
      select json_agg(json_build_object('structureId', g.structure_id, 'structureName', g.name,
        'rights', g.names) order by g.name, g.structure_id)
      from (select r.structure_id, s.name, array_agg(r.name order by r.name) as names
        from ${rightGrants} r join ${structureSummaries} s on s.id = r.structure_id
        where r.account_id = acc.id and r.revoked_at is null and acc.status = 'active'
        group by r.structure_id, s.name) g`)},
    'pendingChanges', ${jsonList(sql`
      select json_agg(json_build_object('id', c.id, 'changes', c.changes,
        'createdAt', ${isoTime(sql.ref('c.created_at'))}) order by c.created_at, c.id)
      from profile_change_requests c where c.account_id = acc.id and c.status = 'pending'`)},
    'termsVersion', acc.terms_version, 'createdAt', ${isoTime(sql.ref('acc.created_at'))})
  from accounts acc where acc.id = ${accountId}`

const meView = (row: MeRow) => ({ ...row, profession: professionOf(row.profession) })

/** Everything a person sees of their own account, from the current state. */
export async function loadMe(db: Executor, accountId: string) {
  const { rows } = await sql<{ me: MeRow | null }>`select (${meJson(sql`${accountId}::uuid`)}) as me`.execute(
    db,
  )
  const me = rows[0]?.me
  if (!me) throw notFound('not_found', 'No such account.')
  return meView(me)
}

/**
 * `GET /v1/me`'s one statement, the session check included, as PostgreSQL gives it (the bench's
 * baseline runs it too): null once the session has ended.
 */
export const readMeInSession = fixedReadInSession(() => meJson(sql.ref('session.account_id')))

/** `GET /v1/me` in one statement, the session check included: null once the session has ended. */
export async function loadMeInSession(db: Executor, clock: Clock, session: SessionRef) {
  const found = await readMeInSession(db, clock, session)
  return found && meView(found.body)
}
