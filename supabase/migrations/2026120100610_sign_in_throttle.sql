-- Sign-in throttling shared by every app process: failures per account (e-mail) and per
-- client address, with exponential back-off once a few failures are spent. Keyed before
-- anyone is known, so not tenant data: it lives in the app schema, reachable only through
-- the functions below, which only the sign-in role may execute. Failed and successful
-- sign-ins of known accounts are written to their tenant's audit log.

create table app.sign_in_failures (
  scope text not null check (scope in ('account', 'ip')),
  key text not null check (length(key) between 1 and 320),
  failures integer not null default 0,
  last_failure_at timestamptz not null default '-infinity',
  primary key (scope, key)
);
create index sign_in_failures_last_idx on app.sign_in_failures (last_failure_at);
revoke all on app.sign_in_failures from public, anon, authenticated, app_worker, app_auth;

-- How long after the last failure the next attempt must wait: free attempts first (5 per
-- account, 20 per address), then 1 s, 2 s, 4 s ... up to 15 minutes.
create or replace function app.sign_in_backoff(p_scope text, p_failures integer) returns interval
language sql immutable
set search_path = ''
as $$
  select case
    when p_failures < (case p_scope when 'account' then 5 else 20 end) then interval '0'
    else make_interval(secs => least(900, power(2, least(p_failures - (case p_scope when 'account' then 5 else 20 end), 20))))
  end
$$;

-- Called before the password is checked. Returns the seconds to wait (the attempt is
-- refused) or 0, in which case the attempt is counted as a failure at once, so parallel
-- guesses cannot all pass the check before any of them is recorded; a success takes it back.
create or replace function app.begin_sign_in(p_email text, p_ip text) returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_wait integer := 0;
  r record;
begin
  -- Now and then, forget failures older than a day (cheap: indexed).
  if random() < 0.01 then
    delete from app.sign_in_failures where last_failure_at < now() - interval '1 day';
  end if;
  insert into app.sign_in_failures (scope, key) values ('account', lower(p_email)), ('ip', p_ip)
    on conflict (scope, key) do nothing;
  for r in
    select f.scope, f.failures, f.last_failure_at from app.sign_in_failures f
    where (f.scope = 'account' and f.key = lower(p_email)) or (f.scope = 'ip' and f.key = p_ip)
    order by f.scope
    for update
  loop
    -- An hour without failures starts the count again.
    if r.last_failure_at > now() - interval '1 hour' then
      v_wait := greatest(v_wait, ceil(extract(epoch from (r.last_failure_at + app.sign_in_backoff(r.scope, r.failures) - now())))::integer);
    end if;
  end loop;
  if v_wait > 0 then
    return v_wait;
  end if;
  update app.sign_in_failures f
     set failures = case when f.last_failure_at > now() - interval '1 hour' then f.failures + 1 else 1 end,
         last_failure_at = now()
   where (f.scope = 'account' and f.key = lower(p_email)) or (f.scope = 'ip' and f.key = p_ip);
  return 0;
end
$$;

create or replace function app.finish_sign_in(p_email text, p_ip text, p_succeeded boolean, p_reason text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if p_succeeded then
    delete from app.sign_in_failures where scope = 'account' and key = lower(p_email);
    update app.sign_in_failures set failures = greatest(failures - 1, 0) where scope = 'ip' and key = p_ip;
  end if;
  -- Refused (throttled) attempts cost nothing to send, so they are audited at most once a
  -- minute per account: a flood cannot fill the audit log. The lock makes concurrent
  -- refusals of one account take turns at that check.
  if p_reason = 'throttled' then
    perform pg_advisory_xact_lock(hashtextextended('sign-in-audit:' || lower(p_email), 0));
  end if;
  insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details)
  select m.tenant_id,
         case when p_succeeded then m.id end,
         case when p_succeeded then 'auth.signed_in'
              when p_reason = 'throttled' then 'auth.sign_in_throttled'
              else 'auth.sign_in_failed' end,
         'user', m.id::text,
         jsonb_strip_nulls(jsonb_build_object('ip', p_ip, 'reason', p_reason))
  from public.users m
  where lower(m.email) = lower(p_email)
    and (p_reason is distinct from 'throttled' or not exists (
      select 1 from public.audit_log l
      where l.tenant_id = m.tenant_id and l.target_id = m.id::text and l.action = 'auth.sign_in_throttled'
        and l.created_at > now() - interval '1 minute'));
end
$$;

revoke all on function app.sign_in_backoff(text, integer), app.begin_sign_in(text, text), app.finish_sign_in(text, text, boolean, text)
  from public, anon, authenticated, app_worker;
grant execute on function app.begin_sign_in(text, text), app.finish_sign_in(text, text, boolean, text) to app_auth;

grant select, delete on app.sign_in_failures to service_role;
