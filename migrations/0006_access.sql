-- Delegations of approval, mandates, account requests by managers, lab registration numbers, and the
-- feed of changes each lab reads.

-- A professional lets a named user decide, for one structure, the requests naming them.
create table delegations (
  id uuid primary key default gen_random_uuid(),
  professional_id uuid not null references accounts (id),
  structure_id uuid not null references structures (id),
  delegate_id uuid not null references accounts (id),
  created_by uuid not null references accounts (id),
  created_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid references accounts (id),
  check (professional_id <> delegate_id)
);
create unique index delegations_current on delegations (professional_id, structure_id, delegate_id) where revoked_at is null;
create index delegations_delegate on delegations (delegate_id, structure_id) where revoked_at is null;

-- Mandates per structure, set by support: an account manager may request accounts for it.
create table mandates (
  account_id uuid not null references accounts (id),
  structure_id uuid not null references structures (id),
  mandate text not null check (mandate in ('account_manager')),
  granted_at timestamptz not null,
  granted_by uuid references accounts (id),
  primary key (account_id, structure_id, mandate)
);

-- A person's registration number at a lab, for the electronic delivery of results.
create table lab_registrations (
  account_id uuid not null references accounts (id),
  lab_id text not null references labs (id),
  number text not null,
  updated_at timestamptz not null,
  primary key (account_id, lab_id)
);

-- An account requested by a manager for someone else (Omnimed), due in 3 business days.
create table account_requests (
  id uuid primary key default gen_random_uuid(),
  requester_id uuid not null references accounts (id),
  first_name text not null,
  last_name text not null,
  email text not null,
  email_key text not null,
  previous_account boolean not null,
  workplaces jsonb not null,
  occupation text not null,
  rpps text,
  practice_number text,
  prescriber_number text,
  lab_registrations jsonb not null default '[]'::jsonb,
  reference_account_id uuid references accounts (id),
  billing jsonb,
  comment text,
  status text not null check (status in ('pending', 'fulfilled', 'rejected')),
  reason text,
  due_at timestamptz not null,
  account_id uuid references accounts (id),
  decided_by uuid references accounts (id),
  decided_at timestamptz,
  created_at timestamptz not null
);
create index account_requests_requester on account_requests (requester_id, created_at);
create index account_requests_status on account_requests (status, due_at);

-- What changed for a lab, in order: each change writes its events in its own transaction.
create table lab_events (
  id bigint generated always as identity primary key,
  lab_id text not null references labs (id),
  type text not null,
  account_id uuid not null references accounts (id),
  structure_id uuid references structures (id),
  payload jsonb not null,
  occurred_at timestamptz not null
);
create index lab_events_feed on lab_events (lab_id, id);

-- An email may wait for another to be sent first (a requester's confirmation after the welcome).
alter table outbox add column after_id bigint references outbox (id);
