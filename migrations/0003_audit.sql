-- The append-only audit trail: who did what to whom, when, why, under which request.
create table audit_events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  actor_type text not null check (actor_type in ('person', 'lab', 'system', 'anonymous')),
  actor_id text,
  action text not null,
  subject_type text not null,
  subject_id text,
  reason text,
  request_id text,
  details jsonb not null default '{}'::jsonb
);

create index audit_events_subject on audit_events (subject_id, id);
create index audit_events_actor on audit_events (actor_id, id);

-- Nothing may rewrite history, whatever the application does.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only' using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_events_append_only
  before update or delete on audit_events
  for each row execute function audit_events_append_only();

create trigger audit_events_no_truncate
  before truncate on audit_events
  for each statement execute function audit_events_append_only();
