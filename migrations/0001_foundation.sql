-- Foundation: the mail outbox and the shared rate-limit counters.

-- Every email is a row here, written in the same transaction as the change that causes it, and sent by
-- the outbox worker. Secrets (codes, links) travel sealed (AES-256-GCM under the service key) and are
-- erased once the message is sent or given up.
create table outbox (
  id bigint generated always as identity primary key,
  template text not null,
  locale text not null check (locale in ('fr', 'en')),
  recipient text not null,
  payload jsonb not null default '{}'::jsonb,
  sealed bytea,
  status text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);

create index outbox_due on outbox (next_attempt_at, id) where status = 'pending';
create index outbox_dead on outbox (id) where status = 'dead';

-- Fixed-window counters shared by every instance: request rate limits and the throttling of what can
-- be guessed (sign-in, codes). Rows expire; a sweep removes the stale ones.
create unlogged table rate_limit_counters (
  key text primary key,
  count integer not null,
  reset_at timestamptz not null
);

create index rate_limit_counters_reset on rate_limit_counters (reset_at);
