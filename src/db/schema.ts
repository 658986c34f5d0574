import type { ColumnType, Generated, Kysely, Transaction } from 'kysely'

/** Table types, one interface per table, kept beside the migrations that create them. */
export interface OutboxTable {
  id: Generated<number>
  template: string
  locale: 'fr' | 'en'
  recipient: string
  payload: ColumnType<Record<string, unknown>, string, string>
  sealed: Buffer | null
  status: ColumnType<'pending' | 'sent' | 'dead', 'pending' | undefined, 'pending' | 'sent' | 'dead'>
  attempts: ColumnType<number, never, number>
  next_attempt_at: Date
  last_error: string | null
  created_at: ColumnType<Date, Date, never>
  sent_at: Date | null
  after_id: number | null
}

export interface RateLimitCountersTable {
  key: string
  count: number
  reset_at: Date
}

type Timestamps = { created_at: ColumnType<Date, Date, never>; updated_at: Date }

export interface SigningKeysTable {
  kid: string
  algorithm: 'ES256'
  public_jwk: ColumnType<Record<string, unknown>, string, string>
  private_key_sealed: Buffer
  created_at: Date
  retired_at: Date | null
}

export type StructureKind = 'practice' | 'clinic' | 'pharmacy' | 'hospital_service' | 'laboratory' | 'other'

export interface StructuresTable extends Timestamps {
  id: Generated<string>
  kind: StructureKind
  name: string
  finess: string | null
  finess_legal: string | null
  siret: string | null
  siren: string | null
  address: string | null
  postal_code: string | null
  city: string | null
  department_code: string | null
  region: string | null
  phones: ColumnType<string[], string[] | undefined, string[]>
}

export interface LabsTable extends Timestamps {
  id: string
  name: string
  requires_correspondent_code: boolean
}

export interface LabCentersTable extends Timestamps {
  id: Generated<string>
  lab_id: string
  code: string
  name: string
  address: string | null
  postal_code: string | null
  city: string | null
}

export interface CorrespondentCodesTable extends Timestamps {
  id: Generated<string>
  lab_id: string
  code: string
  name: string
  center_id: string | null
  structure_id: string
  active: boolean
  deactivated_at: Date | null
  link_status: ColumnType<
    'linked' | 'pending_link' | 'rejected',
    'linked' | 'pending_link' | 'rejected' | undefined
  >
  link_requested_at: Date | null
  link_decided_by: string | null
  link_decided_at: Date | null
  link_reason: string | null
  /** Generated: active and linked, the one test of a code that works. */
  usable: ColumnType<boolean, never, never>
}

export interface LabClientsTable {
  id: Generated<string>
  lab_id: string
  name: string
  secret_hash: string
  created_at: Date
  revoked_at: Date | null
}

export interface IdempotencyKeysTable {
  client_id: string
  key: string
  request_hash: string
  status: 'in_flight' | 'done'
  response_status: number | null
  response_body: ColumnType<unknown, string | null, string | null>
  created_at: Date
}

export interface AuditEventsTable {
  id: Generated<number>
  occurred_at: Date
  actor_type: 'person' | 'lab' | 'system' | 'anonymous'
  actor_id: string | null
  action: string
  subject_type: string
  subject_id: string | null
  reason: string | null
  request_id: string | null
  details: ColumnType<Record<string, unknown>, string, never>
}

export interface DirectoryPersonsTable {
  rpps: string
  id_type: string
  national_id: string
  civility_code: string
  civility_label: string
  practice_civility_code: string
  practice_civility_label: string
  last_name: string
  first_name: string
  search_last_name: string
  search_first_name: string
  /**
   * A tsvector: the words of the names (weight A), and of the cities and structures of the person's
   * activities (see src/shared/word-search.ts). On activities, the first line of each run of a person's
   * lines holds them, the others ''.
   */
  search_vector: string
}

export interface DirectoryActivitiesTable extends Omit<DirectoryPersonsTable, 'rpps'> {
  rpps: string
  line: number
  profession_code: string
  profession_label: string
  category_code: string
  mode_code: string
  mode_label: string
  siret: string
  siren: string
  finess: string
  finess_legal: string
  structure_name: string
  address: string
  postal_code: string
  city: string
  department_code: string
  phone: string
  email: string
}

export interface DirectoryEstablishmentsTable {
  finess: string
  finess_legal: string
  name: string
  short_name: string
  search_name: string
  address: string
  postal_code: string
  city: string
  department_code: string
  department_label: string
  phone: string
  category_code: string
  category_label: string
  siret: string
  x: number | null
  y: number | null
  geo_source: string | null
  /** The system of x and y, as `sourcecoordet` names it: `LAMBERT_93`, `UTM_N20`… */
  coordinate_system: string | null
  /** WGS 84, computed from x and y; null when the system is unknown. */
  latitude: number | null
  longitude: number | null
  /** A tsvector: the name's and long name's words (weight A), the city's and postal code's. */
  search_vector: string
}

/** Every word of a directory's search vectors, once (see src/directory/vocabulary.ts). */
export interface DirectoryWordsTable {
  word: string
}

export interface DirectoryImportsTable {
  id: Generated<string>
  kind: 'rpps' | 'finess'
  status: 'running' | 'succeeded' | 'failed'
  source: string
  lines_read: Generated<number>
  imported: Generated<number>
  rejected: Generated<number>
  rejections: ColumnType<{ line: number; reason: string }[], string | undefined, string>
  error: string | null
  requested_by: string | null
  started_at: Date
  finished_at: Date | null
}

export type AccountStatus =
  | 'email_unverified'
  | 'pending_approval'
  | 'pending_validation'
  | 'active'
  | 'suspended'
  | 'closed'
  | 'rejected'
export type AccountProfile = 'health_professional' | 'collaborator' | 'administrative'
export type RightName = 'results' | 'invoices'

export interface AccountsTable extends Timestamps {
  id: Generated<string>
  status: AccountStatus
  profile: AccountProfile
  roles: ColumnType<string[], string[] | undefined, string[]>
  civility: 'M' | 'MME'
  practice_civility: 'DR' | 'PR' | null
  first_name: string
  last_name: string
  profession_code: string | null
  rpps: string | null
  account_title: string | null
  phones: ColumnType<string[], string[] | undefined, string[]>
  locale: ColumnType<'fr' | 'en', 'fr' | 'en' | undefined, 'fr' | 'en'>
  password_hash: string | null
  password_changed_at: Date | null
  totp_secret_sealed: Buffer | null
  totp_confirmed_at: Date | null
  totp_last_step: number | null
  terms_version: string
  terms_accepted_at: Date
  status_reason: string | null
  validated_at: Date | null
  /** The Pro Santé Connect identity linked to the account: its national identifier (`8` + RPPS). */
  psc_national_id: ColumnType<string | null, string | null | undefined, string | null>
  psc_linked_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** The owner unlinked PSC: a PSC sign-in does not link the account again by its RPPS. */
  psc_unlinked_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Who verified the person's identity: Pro Santé Connect, at registration or when linked. */
  identity_verified_by: ColumnType<'psc' | null, 'psc' | null | undefined, 'psc' | null>
  identity_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface AccountEmailsTable {
  id: Generated<string>
  account_id: string
  address: string
  address_key: string
  is_login: boolean
  is_notification: boolean
  verified_at: Date
  created_at: Date
}

export interface PracticePlacesTable {
  id: Generated<string>
  account_id: string
  structure_id: string
  lab_center_id: string | null
  is_primary: boolean
  /** Only confirmed places count: for rights, approvals, delegations, the labs' feed. */
  status: ColumnType<PlaceStatus, PlaceStatus | undefined, PlaceStatus>
  confirmed_by: string | null
  confirmed_at: Date | null
  created_at: Date
}

export type PlaceStatus = 'pending' | 'confirmed'

export interface SignInFailuresTable {
  key: string
  failures: number
  last_failed_at: Date
  blocked_until: Date | null
}

export interface EmailProofsTable {
  id: Generated<string>
  address: string
  address_key: string
  purpose: 'registration' | 'add_email' | 'mailbox_contact'
  code_hash: string | null
  attempts: Generated<number>
  expires_at: Date
  confirmed_at: Date | null
  proof_hash: string | null
  proof_expires_at: Date | null
  proof_used_at: Date | null
  created_at: Date
}

export interface LoginChallengesTable {
  id: Generated<string>
  account_id: string
  factor: 'email' | 'totp'
  purpose: ColumnType<'sign_in' | 'step_up', 'sign_in' | 'step_up' | undefined, never>
  /** The session a step-up re-authenticates. */
  session_id: string | null
  code_hash: string | null
  attempts: Generated<number>
  expires_at: Date
  completed_at: Date | null
  created_at: Date
}

/** An authorization asked of Pro Santé Connect: 10 minutes, used once. */
export interface PscAuthorizationsTable {
  state_hash: string
  purpose: 'sign_in' | 'link'
  /** For `link`: the account that asked. */
  account_id: string | null
  redirect_uri: string
  nonce: string
  code_verifier: string
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

/** What Pro Santé Connect said of a professional not yet registered: 30 minutes, used once. */
export interface PscRegistrationTokensTable {
  token_hash: string
  national_id: string
  identity: ColumnType<unknown, string, string>
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

export interface SessionsTable {
  id: Generated<string>
  account_id: string
  amr: string[]
  auth_time: Date
  user_agent: string | null
  ip: string | null
  created_at: Date
  last_used_at: Date
  expires_at: Date
  revoked_at: Date | null
  revoked_reason: string | null
}

export interface RefreshTokensTable {
  token_hash: string
  session_id: string
  expires_at: Date
  used_at: Date | null
  created_at: Date
}

export interface AccountSecretsTable {
  id: Generated<string>
  account_id: string
  kind: 'password_reset' | 'provisional_code'
  secret_hash: string
  attempts: Generated<number>
  expires_at: Date
  used_at: Date | null
  created_at: Date
}

export interface ProfileChangeRequestsTable {
  id: Generated<string>
  account_id: string
  changes: ColumnType<Record<string, string>, string, never>
  status: 'pending' | 'approved' | 'rejected'
  reason: string | null
  decided_by: string | null
  decided_at: Date | null
  created_at: Date
}

export interface ApplicationsTable extends Timestamps {
  id: string
  name: string
  url: string
  description: string | null
  active: boolean
}

export interface ApplicationIdentitiesTable {
  account_id: string
  application_id: string
  email_id: string
}

export interface RightsTable {
  id: Generated<string>
  account_id: string
  structure_id: string
  name: RightName
  granted_at: Date
  granted_by: string | null
  revoked_at: Date | null
  revoked_by: string | null
}

export interface AccessRequestsTable {
  id: Generated<string>
  account_id: string
  structure_id: string
  rights: RightName[]
  approver_id: string
  status: 'pending' | 'approved' | 'rejected' | 'cancelled'
  granted_rights: RightName[] | null
  comment: string | null
  reason: string | null
  at_registration: Generated<boolean>
  decided_by: string | null
  decided_at: Date | null
  created_at: Date
}

export interface DelegationsTable {
  id: Generated<string>
  professional_id: string
  structure_id: string
  delegate_id: string
  created_by: string
  created_at: Date
  revoked_at: Date | null
  revoked_by: string | null
}

export interface MandatesTable {
  account_id: string
  structure_id: string
  mandate: 'account_manager'
  granted_at: Date
  granted_by: string | null
}

export interface LabRegistrationsTable {
  account_id: string
  lab_id: string
  number: string
  updated_at: Date
}

export interface AccountRequestsTable {
  id: Generated<string>
  requester_id: string
  first_name: string
  last_name: string
  email: string
  email_key: string
  previous_account: boolean
  workplaces: ColumnType<{ structureId: string; primary: boolean }[], string, never>
  occupation: string
  rpps: string | null
  practice_number: string | null
  prescriber_number: string | null
  lab_registrations: ColumnType<{ labId: string; number: string }[], string, never>
  reference_account_id: string | null
  billing: ColumnType<{ clientName: string; clientNumber: string } | null, string | null, never>
  comment: string | null
  status: 'pending' | 'fulfilled' | 'rejected'
  reason: string | null
  due_at: Date
  account_id: string | null
  decided_by: string | null
  decided_at: Date | null
  created_at: Date
}

export interface LabEventsTable {
  id: Generated<number>
  lab_id: string
  type: string
  account_id: string
  structure_id: string | null
  payload: ColumnType<Record<string, unknown>, string, never>
  occurred_at: Date
}

export type MailboxKind = 'ORG' | 'PER' | 'INT'
export type MailboxStatus =
  | 'pending_validation'
  | 'validated'
  | 'active'
  | 'suspended'
  | 'closed'
  | 'rejected'
export type MailboxRole = 'manager' | 'member'

export interface MailboxesTable {
  id: Generated<string>
  kind: MailboxKind
  status: ColumnType<MailboxStatus, MailboxStatus | undefined, MailboxStatus>
  status_reason: string | null
  /** PER and INT: whose box it is. */
  owner_id: string | null
  contact_email: string | null
  description: string | null
  identifier_type: 'finess' | 'siret' | 'siren' | null
  identifier: string | null
  name: string
  commercial_name: string | null
  service: string | null
  service_key: ColumnType<string, string | undefined, string>
  address_line: string | null
  postal_code: string | null
  city: string | null
  region: string
  department: string | null
  phones: ColumnType<string[], string[] | undefined, string[]>
  responsible_civility: 'M' | 'MME' | null
  responsible_first_name: string
  responsible_last_name: string
  responsible_profession: string
  responsible_rpps: string | null
  paperless: boolean
  listed: boolean
  mssante_address: string | null
  sort_name: string
  /** Generated: the words of the box (see migrations/0014_mailboxes.sql). */
  search_vector: ColumnType<string, never, never>
  created_by: string
  created_at: ColumnType<Date, Date, never>
  updated_at: Date
  validated_at: Date | null
  validated_by: string | null
  activated_at: Date | null
  closed_at: Date | null
  close_requested_at: Date | null
  close_requested_by: string | null
}

export interface MssanteAddressesTable {
  address: string
  mailbox_id: string
  reserved_at: Date
}

export interface MailboxMembersTable {
  mailbox_id: string
  account_id: string
  role: MailboxRole
  added_by: string | null
  created_at: Date
}

export interface MailboxInvitationsTable {
  id: Generated<string>
  mailbox_id: string
  email: string
  email_key: string
  role: MailboxRole
  invited_by: string
  status: ColumnType<'pending' | 'accepted', 'pending' | undefined, 'accepted'>
  expires_at: Date
  accepted_by: string | null
  accepted_at: Date | null
  created_at: Date
}

export interface DB {
  mailboxes: MailboxesTable
  mssante_addresses: MssanteAddressesTable
  mailbox_members: MailboxMembersTable
  mailbox_invitations: MailboxInvitationsTable
  delegations: DelegationsTable
  mandates: MandatesTable
  lab_registrations: LabRegistrationsTable
  account_requests: AccountRequestsTable
  lab_events: LabEventsTable
  accounts: AccountsTable
  account_emails: AccountEmailsTable
  practice_places: PracticePlacesTable
  email_proofs: EmailProofsTable
  login_challenges: LoginChallengesTable
  psc_authorizations: PscAuthorizationsTable
  psc_registration_tokens: PscRegistrationTokensTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  account_secrets: AccountSecretsTable
  profile_change_requests: ProfileChangeRequestsTable
  applications: ApplicationsTable
  application_identities: ApplicationIdentitiesTable
  rights: RightsTable
  access_requests: AccessRequestsTable
  directory_persons: DirectoryPersonsTable
  directory_activities: DirectoryActivitiesTable
  directory_establishments: DirectoryEstablishmentsTable
  directory_person_words: DirectoryWordsTable
  directory_establishment_words: DirectoryWordsTable
  directory_imports: DirectoryImportsTable
  audit_events: AuditEventsTable
  outbox: OutboxTable
  rate_limit_counters: RateLimitCountersTable
  sign_in_failures: SignInFailuresTable
  signing_keys: SigningKeysTable
  structures: StructuresTable
  labs: LabsTable
  lab_centers: LabCentersTable
  correspondent_codes: CorrespondentCodesTable
  lab_clients: LabClientsTable
  idempotency_keys: IdempotencyKeysTable
}

/** What data-access functions take first: the database, or the caller's transaction. */
export type Executor = Kysely<DB> | Transaction<DB>
