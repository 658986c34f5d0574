-- People's accounts, their addresses and practice places, email proofs, sign-in challenges, sessions,
-- password resets and provisional codes, profile change requests, portal applications, and the
-- sensitive rights with the access requests that lead to them.

create table accounts (
  id uuid primary key default gen_random_uuid(),
  status text not null check (status in
    ('email_unverified', 'pending_approval', 'pending_validation', 'active', 'suspended', 'closed', 'rejected')),
  profile text not null check (profile in ('health_professional', 'collaborator', 'administrative')),
  roles text[] not null default '{}',
  civility text not null check (civility in ('M', 'MME')),
  practice_civility text check (practice_civility in ('DR', 'PR')),
  first_name text not null check (length(first_name) between 1 and 100),
  last_name text not null check (length(last_name) between 1 and 100),
  profession_code text,
  rpps text,
  account_title text,
  phones text[] not null default '{}',
  locale text not null default 'fr' check (locale in ('fr', 'en')),
  password_hash text,
  password_changed_at timestamptz,
  totp_secret_sealed bytea,
  totp_confirmed_at timestamptz,
  totp_last_step bigint,
  terms_version text not null,
  terms_accepted_at timestamptz not null,
  status_reason text,
  validated_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- A professional may never hold an administrative account; only professionals carry an RPPS.
  check (profile = 'health_professional' or rpps is null),
  check (profile <> 'health_professional' or rpps is not null)
);
create unique index accounts_rpps on accounts (rpps) where rpps is not null;
create index accounts_status on accounts (status, created_at);

-- One address, one account, case-insensitively. One login and one notification address per account.
create table account_emails (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  address text not null,
  address_key text not null,
  is_login boolean not null default false,
  is_notification boolean not null default false,
  verified_at timestamptz not null,
  created_at timestamptz not null
);
create unique index account_emails_address on account_emails (address_key);
create unique index account_emails_one_login on account_emails (account_id) where is_login;
create unique index account_emails_one_notification on account_emails (account_id) where is_notification;
create index account_emails_account on account_emails (account_id);

create table practice_places (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  structure_id uuid not null references structures (id),
  lab_center_id uuid references lab_centers (id),
  is_primary boolean not null default false,
  created_at timestamptz not null,
  unique (account_id, structure_id)
);
create unique index practice_places_one_primary on practice_places (account_id) where is_primary;
create index practice_places_structure on practice_places (structure_id);

-- A 6-digit code mailed to prove an address. `code_hash` is null when the address already belongs to an
-- account and the purpose is registration: that mail says so and carries no code.
create table email_proofs (
  id uuid primary key default gen_random_uuid(),
  address text not null,
  address_key text not null,
  purpose text not null check (purpose in ('registration', 'add_email')),
  code_hash text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  confirmed_at timestamptz,
  proof_hash text unique,
  proof_expires_at timestamptz,
  proof_used_at timestamptz,
  created_at timestamptz not null
);
create index email_proofs_address on email_proofs (address_key, created_at);

-- The second step of a sign-in: a code mailed, or the authenticator app.
create table login_challenges (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  factor text not null check (factor in ('email', 'totp')),
  code_hash text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  completed_at timestamptz,
  created_at timestamptz not null
);

-- A session is a family of refresh tokens: each is used once; a spent one presented again ends the family.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  amr text[] not null,
  auth_time timestamptz not null,
  user_agent text,
  ip text,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_account on sessions (account_id) where revoked_at is null;

create table refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references sessions (id),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create index refresh_tokens_session on refresh_tokens (session_id);

-- Single-use secrets sent by email: a password reset link (30 minutes), a provisional access code (7 days).
create table account_secrets (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  kind text not null check (kind in ('password_reset', 'provisional_code')),
  secret_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create unique index account_secrets_hash on account_secrets (kind, secret_hash);
create index account_secrets_account on account_secrets (account_id, kind);

-- Changes of identity (civility, names, RPPS) wait for the support desk.
create table profile_change_requests (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  changes jsonb not null,
  status text not null check (status in ('pending', 'approved', 'rejected')),
  reason text,
  decided_by uuid references accounts (id),
  decided_at timestamptz,
  created_at timestamptz not null
);
create unique index profile_change_requests_one_pending on profile_change_requests (account_id) where status = 'pending';

-- The portal's applications (tiles), and which address identifies a person in each.
create table applications (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  name text not null,
  url text not null,
  description text,
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table application_identities (
  account_id uuid not null references accounts (id),
  application_id text not null references applications (id),
  email_id uuid not null references account_emails (id) on delete cascade,
  primary key (account_id, application_id)
);

-- Sensitive rights (results, invoices) per account and structure, with their history.
create table rights (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  structure_id uuid not null references structures (id),
  name text not null check (name in ('results', 'invoices')),
  granted_at timestamptz not null,
  granted_by uuid references accounts (id),
  revoked_at timestamptz,
  revoked_by uuid references accounts (id)
);
create unique index rights_current on rights (account_id, structure_id, name) where revoked_at is null;
create index rights_structure on rights (structure_id) where revoked_at is null;

-- A request for sensitive rights, decided by the named professional, one of their delegates, or support.
create table access_requests (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  structure_id uuid not null references structures (id),
  rights text[] not null check (cardinality(rights) > 0 and rights <@ array['results', 'invoices']),
  approver_id uuid not null references accounts (id),
  status text not null check (status in ('pending', 'approved', 'rejected', 'cancelled')),
  granted_rights text[],
  comment text,
  reason text,
  at_registration boolean not null default false,
  decided_by uuid references accounts (id),
  decided_at timestamptz,
  created_at timestamptz not null
);
create index access_requests_approver on access_requests (approver_id, status);
create index access_requests_structure on access_requests (structure_id, status);
create index access_requests_account on access_requests (account_id, created_at);
