/**
 * The table types, generated from the migrated database by `npm run db:types` (scripts/db-types.ts):
 * do not edit; change a migration, then run it. `npm run db:types:check` fails when this file drifts.
 * Import them from ./schema.ts.
 */

import type { ColumnType } from 'kysely'

export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>

export interface AccessRequestsTable {
  account_id: string
  approver_id: string
  at_registration: Generated<boolean>
  comment: string | null
  created_at: ColumnType<Date, Date, never>
  decided_at: Date | null
  decided_by: string | null
  granted_rights: ('results' | 'invoices')[] | null
  id: Generated<string>
  reason: string | null
  rights: ('results' | 'invoices')[]
  status: 'pending' | 'approved' | 'rejected' | 'cancelled'
  structure_id: string
}

export interface AccountEmailsTable {
  account_id: string
  address: string
  address_key: string
  created_at: ColumnType<Date, Date, never>
  id: Generated<string>
  is_login: Generated<boolean>
  is_notification: Generated<boolean>
  verified_at: Date
}

export interface AccountRequestsTable {
  account_id: string | null
  billing: ColumnType<{ clientName: string; clientNumber: string } | null, string | null, string | null>
  civility: 'M' | 'MME' | null
  comment: string | null
  created_at: ColumnType<Date, Date, never>
  decided_at: Date | null
  decided_by: string | null
  due_at: Date
  email: string
  email_key: string
  first_name: string
  id: Generated<string>
  lab_registrations: ColumnType<{ labId: string; number: string }[], string | undefined, string>
  last_name: string
  occupation: string
  practice_number: string | null
  prescriber_number: string | null
  previous_account: boolean
  reason: string | null
  reference_account_id: string | null
  requester_id: string
  rpps: string | null
  status: 'pending' | 'fulfilled' | 'rejected'
  workplaces: ColumnType<{ structureId: string; primary: boolean }[], string, string>
}

export interface AccountsTable {
  account_title: string | null
  civility: 'M' | 'MME'
  created_at: ColumnType<Date, Date, never>
  first_name: string
  id: Generated<string>
  identity_verified_at: Date | null
  identity_verified_by: 'psc' | null
  last_name: string
  locale: Generated<'fr' | 'en'>
  password_changed_at: Date | null
  password_hash: string | null
  phones: Generated<string[]>
  practice_civility: 'DR' | 'PR' | null
  profession_code: string | null
  profile: 'health_professional' | 'collaborator' | 'administrative'
  psc_linked_at: Date | null
  psc_national_id: string | null
  psc_unlinked_at: Date | null
  roles: Generated<string[]>
  rpps: string | null
  status:
    | 'email_unverified'
    | 'pending_approval'
    | 'pending_validation'
    | 'active'
    | 'suspended'
    | 'closed'
    | 'rejected'
  status_reason: string | null
  terms_accepted_at: Date
  terms_version: string
  totp_confirmed_at: Date | null
  totp_last_step: number | null
  totp_secret_sealed: Buffer | null
  updated_at: Date
  validated_at: Date | null
}

export interface AccountSecretsTable {
  account_id: string
  attempts: Generated<number>
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  id: Generated<string>
  kind: 'password_reset' | 'provisional_code'
  secret_hash: string
  used_at: Date | null
}

export interface ApplicationIdentitiesTable {
  account_id: string
  application_id: string
  email_id: string
}

export interface ApplicationsTable {
  active: Generated<boolean>
  created_at: ColumnType<Date, Date, never>
  description: string | null
  id: string
  name: string
  updated_at: Date
  url: string
}

export interface AuditEventsTable {
  action: string
  actor_id: string | null
  actor_type: 'person' | 'lab' | 'system' | 'anonymous'
  details: ColumnType<Record<string, unknown>, string | undefined, string>
  id: Generated<number>
  occurred_at: Date
  reason: string | null
  request_id: string | null
  subject_id: string | null
  subject_type: string
}

export interface CorrespondentCodesTable {
  active: Generated<boolean>
  center_id: string | null
  code: string
  created_at: ColumnType<Date, Date, never>
  deactivated_at: Date | null
  id: Generated<string>
  lab_id: string
  link_decided_at: Date | null
  link_decided_by: string | null
  link_reason: string | null
  link_requested_at: Date | null
  link_status: Generated<'linked' | 'pending_link' | 'rejected'>
  name: string
  structure_id: string
  updated_at: Date
  usable: ColumnType<boolean | null, never, never>
}

export interface DelegationsTable {
  created_at: ColumnType<Date, Date, never>
  created_by: string
  delegate_id: string
  id: Generated<string>
  professional_id: string
  revoked_at: Date | null
  revoked_by: string | null
  structure_id: string
}

export interface DirectoryActivitiesTable {
  address: string
  category_code: string
  city: string
  civility_code: string
  civility_label: string
  department_code: string
  email: string
  finess: string
  finess_legal: string
  first_name: string
  id_type: string
  last_name: string
  line: number
  mode_code: string
  mode_label: string
  national_id: string
  phone: string
  postal_code: string
  practice_civility_code: string
  practice_civility_label: string
  profession_code: string
  profession_label: string
  rpps: string
  search_first_name: string
  search_last_name: string
  search_vector: Generated<string>
  siren: string
  siret: string
  structure_name: string
}

export interface DirectoryEstablishmentsTable {
  address: string
  category_code: string
  category_label: string
  city: string
  coordinate_system: string | null
  department_code: string
  department_label: string
  finess: string
  finess_legal: string
  geo_source: string | null
  latitude: number | null
  longitude: number | null
  name: string
  phone: string
  postal_code: string
  search_name: string
  search_vector: Generated<string>
  short_name: string
  siret: string
  x: number | null
  y: number | null
}

export interface DirectoryEstablishmentWordsTable {
  rows: Generated<number>
  word: string
}

export interface DirectoryImportsTable {
  error: string | null
  finished_at: Date | null
  id: Generated<string>
  imported: Generated<number>
  kind: 'rpps' | 'finess'
  lines_read: Generated<number>
  rejected: Generated<number>
  rejections: ColumnType<{ line: number; reason: string }[], string | undefined, string>
  requested_by: string | null
  source: string
  started_at: Date
  status: 'running' | 'succeeded' | 'failed'
}

export interface DirectoryPersonsTable {
  civility_code: string
  civility_label: string
  first_name: string
  id_type: string
  last_name: string
  national_id: string
  practice_civility_code: string
  practice_civility_label: string
  rpps: string
  search_first_name: string
  search_last_name: string
  search_vector: Generated<string>
}

export interface DirectoryPersonWordsTable {
  rows: Generated<number>
  word: string
}

export interface EmailProofsTable {
  address: string
  address_key: string
  attempts: Generated<number>
  code_hash: string | null
  confirmed_at: Date | null
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  id: Generated<string>
  proof_expires_at: Date | null
  proof_hash: string | null
  proof_used_at: Date | null
  purpose: 'registration' | 'add_email' | 'mailbox_contact'
}

export interface IdempotencyKeysTable {
  client_id: string
  created_at: ColumnType<Date, Date, never>
  key: string
  request_hash: string
  response_body: ColumnType<unknown | null, string | null, string | null>
  response_status: number | null
  status: 'in_flight' | 'done'
}

export interface LabCentersTable {
  address: string | null
  city: string | null
  code: string
  created_at: ColumnType<Date, Date, never>
  id: Generated<string>
  lab_id: string
  name: string
  postal_code: string | null
  updated_at: Date
}

export interface LabClientsTable {
  created_at: ColumnType<Date, Date, never>
  id: Generated<string>
  lab_id: string
  name: string
  revoked_at: Date | null
  secret_hash: string
}

export interface LabEventsTable {
  account_id: string
  id: Generated<number>
  lab_id: string
  occurred_at: Date
  payload: ColumnType<Record<string, unknown>, string, string>
  structure_id: string | null
  type: string
}

export interface LabRegistrationsTable {
  account_id: string
  lab_id: string
  number: string
  updated_at: Date
}

export interface LabsTable {
  created_at: ColumnType<Date, Date, never>
  id: string
  name: string
  requires_correspondent_code: Generated<boolean>
  updated_at: Date
}

export interface LoginChallengesTable {
  account_id: string
  attempts: Generated<number>
  code_hash: string | null
  completed_at: Date | null
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  factor: 'email' | 'totp'
  id: Generated<string>
  purpose: Generated<'sign_in' | 'step_up'>
  session_id: string | null
}

export interface MailboxDirectoryVocabularyTable {
  boxes: number
  word: string
}

export interface MailboxDirectoryWordsTable {
  mailbox_id: string
  sort_name: string
  word: string
}

export interface MailboxesTable {
  activated_at: Date | null
  address_line: string | null
  city: string | null
  close_requested_at: Date | null
  close_requested_by: string | null
  closed_at: Date | null
  commercial_name: string | null
  contact_email: string | null
  created_at: ColumnType<Date, Date, never>
  created_by: string
  department: string | null
  description: string | null
  id: Generated<string>
  identifier: string | null
  identifier_type: 'finess' | 'siret' | 'siren' | null
  kind: 'ORG' | 'PER' | 'INT'
  listed: Generated<boolean>
  mssante_address: string | null
  name: string
  owner_id: string | null
  paperless: Generated<boolean>
  phones: Generated<string[]>
  postal_code: string | null
  region: string
  responsible_civility: 'M' | 'MME' | null
  responsible_first_name: string
  responsible_last_name: string
  responsible_profession: string
  responsible_rpps: string | null
  search_vector: ColumnType<string | null, never, never>
  service: string | null
  service_key: Generated<string>
  sort_name: string
  status: Generated<'pending_validation' | 'validated' | 'active' | 'suspended' | 'closed' | 'rejected'>
  status_reason: string | null
  updated_at: Date
  validated_at: Date | null
  validated_by: string | null
}

export interface MailboxInvitationsTable {
  accepted_at: Date | null
  accepted_by: string | null
  created_at: ColumnType<Date, Date, never>
  email: string
  email_key: string
  expires_at: Date
  id: Generated<string>
  invited_by: string
  mailbox_id: string
  role: 'manager' | 'member'
  status: Generated<'pending' | 'accepted'>
}

export interface MailboxMembersTable {
  account_id: string
  added_by: string | null
  created_at: ColumnType<Date, Date, never>
  mailbox_id: string
  role: 'manager' | 'member'
}

export interface MandatesTable {
  account_id: string
  granted_at: Date
  granted_by: string | null
  mandate: 'account_manager'
  structure_id: string
}

export interface MssanteAddressesTable {
  address: string
  mailbox_id: string
  reserved_at: Date
}

export interface OutboxTable {
  after_id: number | null
  attempts: Generated<number>
  created_at: ColumnType<Date, Date, never>
  id: Generated<number>
  last_error: string | null
  locale: 'fr' | 'en'
  next_attempt_at: Date
  payload: ColumnType<Record<string, unknown>, string | undefined, string>
  recipient: string
  sealed: Buffer | null
  sent_at: Date | null
  status: Generated<'pending' | 'sent' | 'dead'>
  template: string
}

export interface PracticePlacesTable {
  account_id: string
  confirmed_at: Date | null
  confirmed_by: string | null
  created_at: ColumnType<Date, Date, never>
  id: Generated<string>
  is_primary: Generated<boolean>
  lab_center_id: string | null
  status: Generated<'pending' | 'confirmed'>
  structure_id: string
}

export interface ProfileChangeRequestsTable {
  account_id: string
  changes: ColumnType<Record<string, string>, string, string>
  created_at: ColumnType<Date, Date, never>
  decided_at: Date | null
  decided_by: string | null
  id: Generated<string>
  reason: string | null
  status: 'pending' | 'approved' | 'rejected'
}

export interface PscAuthorizationsTable {
  account_id: string | null
  code_verifier: string
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  nonce: string
  purpose: 'sign_in' | 'link'
  redirect_uri: string
  state_hash: string
  used_at: Date | null
}

export interface PscRegistrationTokensTable {
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  identity: ColumnType<unknown, string, string>
  national_id: string
  token_hash: string
  used_at: Date | null
}

export interface RateLimitCountersTable {
  count: number
  key: string
  reset_at: Date
}

export interface RefreshTokensTable {
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  session_id: string
  token_hash: string
  used_at: Date | null
}

export interface RightsTable {
  account_id: string
  granted_at: Date
  granted_by: string | null
  id: Generated<string>
  name: 'results' | 'invoices'
  revoked_at: Date | null
  revoked_by: string | null
  structure_id: string
}

export interface SessionsTable {
  account_id: string
  amr: string[]
  auth_time: Date
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  id: Generated<string>
  ip: string | null
  last_used_at: Date
  revoked_at: Date | null
  revoked_reason: string | null
  user_agent: string | null
}

export interface SignInFailuresTable {
  blocked_until: Date | null
  failures: number
  key: string
  last_failed_at: Date
}

export interface SigningKeysTable {
  algorithm: 'ES256'
  created_at: ColumnType<Date, Date, never>
  kid: string
  private_key_sealed: Buffer
  public_jwk: ColumnType<Record<string, unknown>, string, string>
  retired_at: Date | null
}

export interface StructuresTable {
  address: string | null
  city: string | null
  created_at: ColumnType<Date, Date, never>
  department_code: string | null
  finess: string | null
  finess_legal: string | null
  id: Generated<string>
  kind: 'practice' | 'clinic' | 'pharmacy' | 'hospital_service' | 'laboratory' | 'other'
  name: string
  phones: Generated<string[]>
  postal_code: string | null
  region: string | null
  siren: string | null
  siret: string | null
  updated_at: Date
}

export interface DB {
  access_requests: AccessRequestsTable
  account_emails: AccountEmailsTable
  account_requests: AccountRequestsTable
  account_secrets: AccountSecretsTable
  accounts: AccountsTable
  application_identities: ApplicationIdentitiesTable
  applications: ApplicationsTable
  audit_events: AuditEventsTable
  correspondent_codes: CorrespondentCodesTable
  delegations: DelegationsTable
  directory_activities: DirectoryActivitiesTable
  directory_establishment_words: DirectoryEstablishmentWordsTable
  directory_establishments: DirectoryEstablishmentsTable
  directory_imports: DirectoryImportsTable
  directory_person_words: DirectoryPersonWordsTable
  directory_persons: DirectoryPersonsTable
  email_proofs: EmailProofsTable
  idempotency_keys: IdempotencyKeysTable
  lab_centers: LabCentersTable
  lab_clients: LabClientsTable
  lab_events: LabEventsTable
  lab_registrations: LabRegistrationsTable
  labs: LabsTable
  login_challenges: LoginChallengesTable
  mailbox_directory_vocabulary: MailboxDirectoryVocabularyTable
  mailbox_directory_words: MailboxDirectoryWordsTable
  mailbox_invitations: MailboxInvitationsTable
  mailbox_members: MailboxMembersTable
  mailboxes: MailboxesTable
  mandates: MandatesTable
  mssante_addresses: MssanteAddressesTable
  outbox: OutboxTable
  practice_places: PracticePlacesTable
  profile_change_requests: ProfileChangeRequestsTable
  psc_authorizations: PscAuthorizationsTable
  psc_registration_tokens: PscRegistrationTokensTable
  rate_limit_counters: RateLimitCountersTable
  refresh_tokens: RefreshTokensTable
  rights: RightsTable
  sessions: SessionsTable
  sign_in_failures: SignInFailuresTable
  signing_keys: SigningKeysTable
  structures: StructuresTable
}
