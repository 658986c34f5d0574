-- Pro Santé Connect (PSC): sign-up and sign-in with the national e-CPS identity.

-- An account may be linked to one PSC identity, by its national identifier (`SubjectNameID`: `8` + RPPS),
-- never by PSC's technical `sub`; one identity, one account. An account whose identity PSC verified
-- (registered through it, or linked to it) says so to the support desk. An account whose owner unlinked
-- PSC is not linked again by its RPPS at a PSC sign-in: only by the owner, from the account.
alter table accounts
  add column psc_national_id text,
  add column psc_linked_at timestamptz,
  add column psc_unlinked_at timestamptz,
  add column identity_verified_by text check (identity_verified_by in ('psc')),
  add column identity_verified_at timestamptz,
  add check ((psc_national_id is null) = (psc_linked_at is null)),
  add check ((identity_verified_by is null) = (identity_verified_at is null));
create unique index accounts_psc_national_id on accounts (psc_national_id) where psc_national_id is not null;

-- An authorization asked of PSC and not yet answered: its state (hashed: the lookup key), nonce and PKCE
-- verifier, kept 10 minutes, used once. `link` authorizations belong to the account that asked.
create table psc_authorizations (
  state_hash text primary key,
  purpose text not null check (purpose in ('sign_in', 'link')),
  account_id uuid references accounts (id),
  redirect_uri text not null,
  nonce text not null,
  code_verifier text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  check ((purpose = 'link') = (account_id is not null))
);
create index psc_authorizations_expiry on psc_authorizations (expires_at);

-- What PSC said of a professional Sésame does not know yet, until they register with it: 30 minutes,
-- used once. The token is kept hashed.
create table psc_registration_tokens (
  token_hash text primary key,
  national_id text not null,
  identity jsonb not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index psc_registration_tokens_expiry on psc_registration_tokens (expires_at);
