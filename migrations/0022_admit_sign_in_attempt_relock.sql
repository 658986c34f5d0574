-- admit_sign_in_attempt (migration 0019) inserted the attempt's two failure rows when missing, then
-- locked them. A success from another request could delete them in between (its counts cleared): the
-- lock then found no row, and the attempt went uncounted on the address. The rows are now inserted again
-- until both are locked. Everything else is as in 0019.
create or replace function admit_sign_in_attempt(
  p_account text, p_client text, p_now timestamptz,
  p_free integer, p_first_delay_ms bigint, p_max_delay_ms bigint, p_lock_after integer
) returns table (verdict text, retry_after_ms bigint)
language plpgsql as $$
declare
  account_failures integer;
  client_failures integer;
  client_until timestamptz;
  delay_ms bigint;
  held integer;
begin
  loop
    insert into sign_in_failures (key, failures, last_failed_at, blocked_until)
    values (p_account, 0, p_now, null), (p_client, 0, p_now, null)
    on conflict (key) do nothing;
    select count(*) into held from (
      select 1 from sign_in_failures where key in (p_account, p_client) order by key for update
    ) locked;
    exit when held = 2;
  end loop;
  select failures into account_failures from sign_in_failures where key = p_account;
  select failures, blocked_until into client_failures, client_until from sign_in_failures where key = p_client;
  if account_failures >= p_lock_after then
    return query select 'locked'::text, 0::bigint;
    return;
  end if;
  if client_until > p_now then
    return query select 'delayed'::text, ceil(extract(epoch from client_until - p_now) * 1000)::bigint;
    return;
  end if;
  delay_ms := case when client_failures + 1 < p_free then 0
    else least(p_first_delay_ms * power(2, client_failures + 1 - p_free)::bigint, p_max_delay_ms) end;
  update sign_in_failures
  set failures = failures + 1,
      last_failed_at = p_now,
      blocked_until = case when key = p_client
        then (case when delay_ms > 0 then p_now + delay_ms * interval '1 millisecond' end)
        else blocked_until end
  where key in (p_account, p_client);
  return query select 'ok'::text, 0::bigint;
end
$$;
