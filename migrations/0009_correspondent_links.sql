-- A lab may only attach a correspondent code to a structure it creates or already serves. A code for
-- any other structure waits for the support desk (`pending_link`), who approves or rejects the link
-- with a reason. Until approved, the code does not work: no look-up, no registration, no approvers,
-- and its lab learns nothing of the structure through it. Every code that exists now stays linked.
alter table correspondent_codes
  add column link_status text not null default 'linked'
    check (link_status in ('linked', 'pending_link', 'rejected')),
  add column link_requested_at timestamptz,
  add column link_decided_by uuid references accounts (id),
  add column link_decided_at timestamptz,
  add column link_reason text check (length(link_reason) between 1 and 1000),
  -- The one definition of a code that counts: the lab keeps it active and the link stands.
  add column usable boolean generated always as (active and link_status = 'linked') stored,
  add check ((link_status = 'pending_link') = (link_requested_at is not null and link_decided_at is null));

-- The support desk's queue: codes waiting, oldest request first.
create index correspondent_codes_pending_link on correspondent_codes (link_requested_at, id)
  where link_status = 'pending_link';
