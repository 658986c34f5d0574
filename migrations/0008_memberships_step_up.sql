-- Confirmed memberships, step-up re-authentication, and sign-in failures counted apart from attempts.

-- A practice place added after registration waits for a professional of the structure (or their
-- delegate, or the support desk when the structure has none); places given at registration wait for
-- the support desk's validation of the account. Only confirmed places count. Every place that exists
-- now was made through registration or by the support desk: they stay confirmed.
alter table practice_places
  add column status text not null default 'confirmed' check (status in ('pending', 'confirmed')),
  add column confirmed_by uuid references accounts (id),
  add column confirmed_at timestamptz;
alter table practice_places alter column status set default 'pending';
-- The queue of places waiting at a structure, oldest first.
create index practice_places_pending on practice_places (structure_id, created_at, id) where status = 'pending';
-- Support's queue: every pending place, oldest first.
create index practice_places_pending_all on practice_places (created_at, id) where status = 'pending';

-- A challenge is a sign-in's second step, or a step-up within an open session.
alter table login_challenges
  add column purpose text not null default 'sign_in' check (purpose in ('sign_in', 'step_up')),
  add column session_id uuid references sessions (id),
  add check ((purpose = 'step_up') = (session_id is not null));

-- Consecutive failed sign-ins, per typed address and per (address, client address): failures only,
-- so that someone else's wrong guesses from elsewhere do not lock the owner out.
create table sign_in_failures (
  key text primary key,
  failures integer not null,
  last_failed_at timestamptz not null,
  blocked_until timestamptz
);

-- The approval queue reads one page per (approver, structure) where the approver is still responsible.
drop index access_requests_queue;
create index access_requests_queue on access_requests (approver_id, structure_id, status, created_at desc, id desc);
