import { sql } from 'kysely'
import { expect } from 'vitest'
import type { Executor } from '../../src/db/schema.ts'
import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'
import type { TestApp } from './app.ts'
import { anRpps } from './builders.ts'
import { proveEmail, supportAgent } from './people.ts'

type Headers = { authorization: string }

/** The operator's domains in the mailbox tests: pharmacists have their own. */
export const MAILBOX_ENV = {
  MSSANTE_DOMAIN: 'oc.mssante.fr',
  MSSANTE_DOMAINS_BY_PROFESSION: '21=pharmacien.oc.mssante.fr,10=medecin.oc.mssante.fr',
}

let sequence = 0
/** A FINESS in the Tarn (81), different each call. */
export const aTarnFiness = () =>
  withLuhnCheckDigit(
    `81${String(++sequence * 7919 + Math.floor(Math.random() * 1e5))
      .padStart(6, '0')
      .slice(-6)}`,
  )

/** The manual's form for a pharmacy's ORG box, its generic address proven. */
export async function pharmacyForm(t: TestApp, overrides: Record<string, unknown> = {}) {
  const contact = `pharmacie-${Math.random().toString(36).slice(2, 8)}@example.org`
  return {
    kind: 'ORG',
    contactEmailProof: await proveEmail(t, contact, 'mailbox_contact'),
    description: 'Pharmacie du Centre, 81000 Albi',
    identifierType: 'finess',
    identifier: aTarnFiness(),
    name: 'Pharmacie du Centre',
    service: 'Officine',
    postalAddress: { line: '12 place du Vigan', postalCode: '81000', city: 'Albi' },
    region: '76',
    phones: ['05 63 54 12 34'],
    responsible: {
      civility: 'MME',
      firstName: 'Claire',
      lastName: 'Martin',
      professionCode: '21',
      rpps: anRpps(),
    },
    preferences: { paperless: true, listed: true },
    ...overrides,
  }
}

export async function createMailbox(t: TestApp, headers: Headers, body: object) {
  return t.app.inject({ method: 'POST', url: '/v1/mailboxes', headers, payload: body })
}

/** The support desk validates then activates a box; answers its MSSanté address. */
export async function openMailbox(t: TestApp, mailboxId: string, support?: Headers) {
  const agent = support ?? (await supportAgent(t))
  const validated = await t.app.inject({
    method: 'POST',
    url: `/v1/admin/mailboxes/${mailboxId}/validation`,
    headers: agent,
    payload: { decision: 'validate' },
  })
  expect(validated.statusCode, validated.body).toBe(200)
  const activated = await t.app.inject({
    method: 'POST',
    url: `/v1/admin/mailboxes/${mailboxId}/activation`,
    headers: agent,
  })
  expect(activated.statusCode, activated.body).toBe(200)
  return activated.json().mssanteAddress as string
}

/** An active ORG box managed by `manager`, with a form as the manual's (overridable). */
export async function anActiveMailbox(t: TestApp, manager: Headers, overrides: Record<string, unknown> = {}) {
  const created = await createMailbox(t, manager, await pharmacyForm(t, overrides))
  expect(created.statusCode, created.body).toBe(201)
  const id = created.json().id as string
  return { id, address: await openMailbox(t, id) }
}

/** Invites an address (the manager's token must be fresh) and has its holder accept. */
export async function join(
  t: TestApp,
  mailboxId: string,
  manager: Headers,
  invitee: { email: string; headers: Headers },
  role: 'manager' | 'member' = 'member',
) {
  const invited = await t.app.inject({
    method: 'POST',
    url: `/v1/mailboxes/${mailboxId}/invitations`,
    headers: manager,
    payload: { email: invitee.email, role },
  })
  expect(invited.statusCode, invited.body).toBe(202)
  const accepted = await t.app.inject({
    method: 'POST',
    url: `/v1/me/mailbox-invitations/${invited.json().id}/accept`,
    headers: invitee.headers,
  })
  expect(accepted.statusCode, accepted.body).toBe(200)
}

/**
 * What the directory's word tables hold and should not, or lack: each word of each active and listed
 * box with its name, and each word's count of boxes, against the same computed again from the boxes.
 * Empty when the triggers kept them in step.
 */
export async function directoryWordsDrift(db: Executor) {
  const { rows } = await sql<{ drift: string }>`
    with expected as (
      select distinct w.word, m.sort_name, m.id as mailbox_id
      from mailboxes m cross join unnest(tsvector_to_array(m.search_vector)) as w (word)
      where m.status = 'active' and m.listed),
    kept as (select word, sort_name, mailbox_id from mailbox_directory_words),
    counts as (select word, count(*)::integer as boxes from expected group by word)
    select 'missing ' || word || ' ' || sort_name as drift from (select * from expected except select * from kept) x
    union all
    select 'extra ' || word || ' ' || sort_name from (select * from kept except select * from expected) x
    union all
    select 'count ' || coalesce(v.word, c.word) || ' ' || coalesce(v.boxes, 0) || ' for ' || coalesce(c.boxes, 0)
    from mailbox_directory_vocabulary v full join counts c on c.word = v.word
    where coalesce(v.boxes, 0) <> coalesce(c.boxes, 0)`.execute(db)
  return rows.map((row) => row.drift)
}
