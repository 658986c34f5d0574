import type { Executor } from '../db/schema.ts'
import { notFound } from '../shared/errors.ts'
import { professionOf } from './professions.ts'
import { accountById } from './repository.ts'

/** Everything a person sees of their own account, from the current state. */
export async function loadMe(db: Executor, accountId: string) {
  const account = await accountById(db, accountId)
  if (!account) throw notFound('No such account.')
  const [emails, identities, places, rights, changes] = await Promise.all([
    db
      .selectFrom('account_emails')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('application_identities')
      .select(['application_id', 'email_id'])
      .where('account_id', '=', accountId)
      .execute(),
    db
      .selectFrom('practice_places as p')
      .innerJoin('structures as s', 's.id', 'p.structure_id')
      .leftJoin('lab_centers as c', 'c.id', 'p.lab_center_id')
      .select([
        'p.id',
        'p.is_primary',
        's.id as structure_id',
        's.name',
        's.city',
        's.finess',
        's.siret',
        'c.id as center_id',
        'c.code as center_code',
        'c.name as center_name',
        'c.lab_id',
      ])
      .where('p.account_id', '=', accountId)
      .orderBy('p.created_at')
      .execute(),
    db
      .selectFrom('rights as r')
      .innerJoin('structures as s', 's.id', 'r.structure_id')
      .select(['r.structure_id', 's.name', 'r.name as right'])
      .where('r.account_id', '=', accountId)
      .where('r.revoked_at', 'is', null)
      .orderBy('s.name')
      .orderBy('r.name')
      .execute(),
    db
      .selectFrom('profile_change_requests')
      .select(['id', 'changes', 'created_at'])
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .execute(),
  ])
  const active = account.status === 'active'
  const rightsByStructure = new Map<
    string,
    { structureId: string; structureName: string; rights: string[] }
  >()
  for (const row of active ? rights : []) {
    const entry = rightsByStructure.get(row.structure_id) ?? {
      structureId: row.structure_id,
      structureName: row.name,
      rights: [],
    }
    entry.rights.push(row.right)
    rightsByStructure.set(row.structure_id, entry)
  }
  return {
    id: account.id,
    status: account.status,
    profile: account.profile,
    roles: account.roles,
    civility: account.civility,
    practiceCivility: account.practice_civility,
    firstName: account.first_name,
    lastName: account.last_name,
    profession: professionOf(account.profession_code),
    rpps: account.rpps,
    accountTitle: account.account_title,
    phones: account.phones,
    locale: account.locale,
    totpEnabled: account.totp_confirmed_at !== null,
    emails: emails.map((email) => ({
      id: email.id,
      address: email.address,
      isLogin: email.is_login,
      isNotification: email.is_notification,
      applications: identities
        .filter((identity) => identity.email_id === email.id)
        .map((identity) => identity.application_id),
    })),
    practicePlaces: places.map((place) => ({
      id: place.id,
      primary: place.is_primary,
      structure: {
        id: place.structure_id,
        name: place.name,
        city: place.city,
        finess: place.finess,
        siret: place.siret,
      },
      labCenter: place.center_id
        ? {
            id: place.center_id,
            code: place.center_code ?? '',
            name: place.center_name ?? '',
            labId: place.lab_id ?? '',
          }
        : null,
    })),
    rights: [...rightsByStructure.values()],
    pendingChanges: changes.map((change) => ({
      id: change.id,
      changes: change.changes,
      createdAt: change.created_at.toISOString(),
    })),
    termsVersion: account.terms_version,
    createdAt: account.created_at.toISOString(),
  }
}
