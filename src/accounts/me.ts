import type { Executor } from '../db/schema.ts'
import { notFound } from '../shared/errors.ts'
import { listAddresses } from './addresses.ts'
import { listPlaces } from './places.ts'
import { professionOf } from './professions.ts'
import { accountById } from './repository.ts'

/** Everything a person sees of their own account, from the current state. */
export async function loadMe(db: Executor, accountId: string) {
  const account = await accountById(db, accountId)
  if (!account) throw notFound('not_found', 'No such account.')
  const [emails, places, rights, changes] = await Promise.all([
    listAddresses(db, accountId),
    listPlaces(db, accountId),
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
    pscLinked: account.psc_national_id !== null,
    identityVerifiedBy: account.identity_verified_by,
    emails,
    practicePlaces: places,
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
