-- Signing keys of access tokens, structures, labs and their centres, correspondent codes, lab machine
-- clients and the idempotency keys of their writes.

-- ES256 key pairs. Every instance signs with the newest key and verifies with any key not retired;
-- private keys are sealed under the service key.
create table signing_keys (
  kid text primary key,
  algorithm text not null check (algorithm = 'ES256'),
  public_jwk jsonb not null,
  private_key_sealed bytea not null,
  created_at timestamptz not null,
  retired_at timestamptz
);

-- Practices, clinics, pharmacies, hospital services: matched by FINESS (site), then SIRET.
create table structures (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('practice', 'clinic', 'pharmacy', 'hospital_service', 'laboratory', 'other')),
  name text not null check (length(name) between 1 and 200),
  finess text unique check (finess ~ '^[0-9][0-9AB][0-9]{7}$'),
  finess_legal text check (finess_legal ~ '^[0-9][0-9AB][0-9]{7}$'),
  siret text unique check (siret ~ '^[0-9]{14}$'),
  siren text check (siren ~ '^[0-9]{9}$'),
  address text,
  postal_code text,
  city text,
  department_code text,
  region text,
  phones text[] not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table labs (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  name text not null,
  requires_correspondent_code boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table lab_centers (
  id uuid primary key default gen_random_uuid(),
  lab_id text not null references labs (id),
  code text not null,
  name text not null,
  address text,
  postal_code text,
  city text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (lab_id, code)
);

-- A lab's customer code for a practice (code correspondant). Deactivated, never deleted.
create table correspondent_codes (
  id uuid primary key default gen_random_uuid(),
  lab_id text not null references labs (id),
  code text not null,
  name text not null,
  center_id uuid references lab_centers (id),
  structure_id uuid not null references structures (id),
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deactivated_at timestamptz,
  unique (lab_id, code)
);

create index correspondent_codes_structure on correspondent_codes (structure_id);
create index correspondent_codes_updated on correspondent_codes (lab_id, updated_at, code);

-- Machine clients of a lab (OAuth 2.0 client credentials). The secret is kept hashed.
create table lab_clients (
  id uuid primary key default gen_random_uuid(),
  lab_id text not null references labs (id),
  name text not null,
  secret_hash text not null,
  created_at timestamptz not null,
  revoked_at timestamptz
);

create index lab_clients_lab on lab_clients (lab_id);

-- Idempotency-Key of the lab API's writes: the first response is stored and replayed.
create table idempotency_keys (
  client_id uuid not null references lab_clients (id),
  key text not null,
  request_hash text not null,
  status text not null check (status in ('in_flight', 'done')),
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null,
  primary key (client_id, key)
);
