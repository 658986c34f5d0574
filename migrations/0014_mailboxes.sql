-- Secure health messaging mailboxes (MSSanté): organisational (ORG), personal (PER) and internal (INT)
-- boxes, their members and invitations, and every MSSanté address ever reserved.

-- The generic address of an organisational mailbox is proven by an email code, as any other address.
alter table email_proofs drop constraint email_proofs_purpose_check;
alter table email_proofs add constraint email_proofs_purpose_check
  check (purpose in ('registration', 'add_email', 'mailbox_contact'));

-- A mailbox as its creator described it. `name` is the establishment's (raison sociale) for an ORG box,
-- the person's for a PER or INT box, whose identity comes from the owner's account. The responsible is
-- a health professional: typed for an ORG box, the owner for the others. The MSSanté address is
-- derived and reserved at validation: a box that is validated, active or suspended has one.
create table mailboxes (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('ORG', 'PER', 'INT')),
  status text not null default 'pending_validation' check (status in
    ('pending_validation', 'validated', 'active', 'suspended', 'closed', 'rejected')),
  status_reason text check (length(status_reason) between 1 and 1000),
  owner_id uuid references accounts (id),
  contact_email text,
  description text check (length(description) between 1 and 500),
  identifier_type text check (identifier_type in ('finess', 'siret', 'siren')),
  identifier text,
  name text not null check (length(name) between 1 and 201),
  commercial_name text,
  service text,
  -- The service as compared: folded, '' when none.
  service_key text not null default '',
  address_line text,
  postal_code text,
  city text,
  region text not null,
  department text,
  phones text[] not null default '{}',
  responsible_civility text check (responsible_civility in ('M', 'MME')),
  responsible_first_name text not null,
  responsible_last_name text not null,
  responsible_profession text not null,
  responsible_rpps text,
  paperless boolean not null default true,
  listed boolean not null default true,
  mssante_address text unique,
  -- What the directory sorts by (the folded name), and searches: the words of the box's names, service,
  -- description and address, as word search reads them (search_words, src/shared/word-search.ts).
  sort_name text not null,
  search_vector tsvector generated always as (strip(search_words(name || ' ' || coalesce(commercial_name, '')
    || ' ' || coalesce(service, '') || ' ' || coalesce(description, '') || ' ' || coalesce(address_line, '')
    || ' ' || coalesce(postal_code, '') || ' ' || coalesce(city, '')))) stored,
  created_by uuid not null references accounts (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  validated_at timestamptz,
  validated_by uuid references accounts (id),
  activated_at timestamptz,
  closed_at timestamptz,
  close_requested_at timestamptz,
  close_requested_by uuid references accounts (id),
  check ((kind = 'ORG') = (owner_id is null)),
  check (kind <> 'ORG' or (contact_email is not null and description is not null and identifier is not null
    and identifier_type is not null and address_line is not null and postal_code is not null and city is not null)),
  check ((kind = 'INT') = (responsible_rpps is null)),
  check (status not in ('validated', 'active', 'suspended') or mssante_address is not null)
);
-- One live ORG box per establishment and service; one live PER (and one INT) box per account.
create unique index mailboxes_org_live on mailboxes (identifier_type, identifier, service_key)
  where kind = 'ORG' and status not in ('closed', 'rejected');
create unique index mailboxes_personal_live on mailboxes (owner_id, kind)
  where kind <> 'ORG' and status not in ('closed', 'rejected');
-- The support desk's queue, by status, oldest first.
create index mailboxes_queue on mailboxes (status, created_at, id);
-- The directory: active and listed boxes, by words (any order, prefixes), by name, by postal code.
create index mailboxes_directory_words on mailboxes using gin (search_vector)
  where status = 'active' and listed;
create index mailboxes_directory_names on mailboxes (sort_name, id) where status = 'active' and listed;
create index mailboxes_directory_postal_codes on mailboxes (postal_code text_pattern_ops)
  where status = 'active' and listed;

-- Every address ever reserved, never released: a closed box's address is not given again.
create table mssante_addresses (
  address text primary key,
  mailbox_id uuid not null references mailboxes (id),
  reserved_at timestamptz not null
);

-- Who may use a box: its managers (invite, manage members, edit) and members.
create table mailbox_members (
  mailbox_id uuid not null references mailboxes (id),
  account_id uuid not null references accounts (id),
  role text not null check (role in ('manager', 'member')),
  added_by uuid references accounts (id),
  created_at timestamptz not null,
  primary key (mailbox_id, account_id)
);
create index mailbox_members_account on mailbox_members (account_id);

-- An invitation to an address, accepted by the signed-in account that holds that address.
create table mailbox_invitations (
  id uuid primary key default gen_random_uuid(),
  mailbox_id uuid not null references mailboxes (id),
  email text not null,
  email_key text not null,
  role text not null check (role in ('manager', 'member')),
  invited_by uuid not null references accounts (id),
  status text not null default 'pending' check (status in ('pending', 'accepted')),
  expires_at timestamptz not null,
  accepted_by uuid references accounts (id),
  accepted_at timestamptz,
  created_at timestamptz not null,
  check ((status = 'accepted') = (accepted_at is not null))
);
create index mailbox_invitations_pending on mailbox_invitations (email_key, created_at) where status = 'pending';
