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

export interface DB {
  directory_persons: DirectoryPersonsTable
  directory_activities: DirectoryActivitiesTable
  directory_establishments: DirectoryEstablishmentsTable
  directory_imports: DirectoryImportsTable
  audit_events: AuditEventsTable
  outbox: OutboxTable
  rate_limit_counters: RateLimitCountersTable
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
