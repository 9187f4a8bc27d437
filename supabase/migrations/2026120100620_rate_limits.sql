-- Abuse and cost limits shared by every app process (the local adapter; deployments may
-- use Upstash Redis instead). Keys are built by the server from verified values
-- ("q:conv:<id>", "q:ip:<address>", "q:tenant:<id>", "budget:<tenant>"...), not tenant data
-- a request could read: the counters live in the app schema, reachable only through
-- consume_rate_limits, a fixed-window counter incremented atomically.

create table app.rate_limits (
  key text not null check (length(key) between 1 and 300),
  window_start timestamptz not null,
  hits bigint not null default 0,
  primary key (key, window_start)
);
create index rate_limits_window_idx on app.rate_limits (window_start);
revoke all on app.rate_limits from public, anon, authenticated, app_worker, app_auth;
grant select, delete on app.rate_limits to service_role;

-- Consumes `p_cost` from every rule in order (narrowest first). All or nothing: when one
-- rule would go over its limit, nothing is counted (a refused request does not use up
-- anyone's allowance) and the refusing key and its wait are returned.
create or replace function app.consume_rate_limits(p_keys text[], p_limits bigint[], p_windows integer[], p_cost integer default 1)
returns table (allowed boolean, denied_key text, retry_after_seconds integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  i integer;
  v_start timestamptz;
  v_hits bigint;
  v_now timestamptz := clock_timestamp();
begin
  if coalesce(array_length(p_keys, 1), 0) <> coalesce(array_length(p_limits, 1), 0)
     or coalesce(array_length(p_keys, 1), 0) <> coalesce(array_length(p_windows, 1), 0) then
    raise exception 'consume_rate_limits: keys, limits and windows differ in length';
  end if;
  if random() < 0.001 then
    delete from app.rate_limits where window_start < v_now - interval '40 days';
  end if;
  begin
    for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
      v_start := to_timestamp(floor(extract(epoch from v_now) / p_windows[i]) * p_windows[i]);
      insert into app.rate_limits as r (key, window_start, hits) values (p_keys[i], v_start, p_cost)
        on conflict (key, window_start) do update set hits = r.hits + p_cost
        returning r.hits into v_hits;
      if v_hits > p_limits[i] then
        denied_key := p_keys[i];
        retry_after_seconds := greatest(1, ceil(extract(epoch from (v_start + make_interval(secs => p_windows[i]) - v_now)))::integer);
        raise exception using errcode = 'P0001', message = 'rate limit';
      end if;
    end loop;
  exception when sqlstate 'P0001' then
    -- The block's increments are rolled back with it.
    allowed := false;
    return next;
    return;
  end;
  allowed := true;
  return next;
end
$$;
revoke all on function app.consume_rate_limits(text[], bigint[], integer[], integer) from public, app_worker, app_auth;
grant execute on function app.consume_rate_limits(text[], bigint[], integer[], integer) to anon, authenticated;

-- Live event streams (SSE) open per conversation: leases renewed while a stream is open,
-- so a crashed process's streams expire on their own.
create table app.live_streams (
  stream_id uuid primary key,
  conversation_id uuid not null,
  expires_at timestamptz not null
);
create index live_streams_conversation_idx on app.live_streams (conversation_id, expires_at);
revoke all on app.live_streams from public, anon, authenticated, app_worker, app_auth;
grant select, delete on app.live_streams to service_role;

-- Takes a lease for the caller's own conversation (from its verified claims) if fewer than
-- p_max are open; false otherwise.
create or replace function app.open_live_stream(p_stream_id uuid, p_max integer, p_ttl_seconds integer)
returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_conversation uuid := app.conversation_id();
  v_open integer;
begin
  if v_conversation is null then
    raise exception 'open_live_stream needs a visitor''s conversation' using errcode = '42501';
  end if;
  -- One conversation at a time, so two streams opening together cannot both see room.
  perform pg_advisory_xact_lock(hashtextextended(v_conversation::text, 42));
  delete from app.live_streams where conversation_id = v_conversation and expires_at < clock_timestamp();
  select count(*) into v_open from app.live_streams where conversation_id = v_conversation;
  if v_open >= p_max then
    return false;
  end if;
  insert into app.live_streams (stream_id, conversation_id, expires_at)
    values (p_stream_id, v_conversation, clock_timestamp() + make_interval(secs => p_ttl_seconds));
  return true;
end
$$;

create or replace function app.renew_live_stream(p_stream_id uuid, p_ttl_seconds integer) returns void
language sql volatile security definer
set search_path = ''
as $$
  update app.live_streams set expires_at = clock_timestamp() + make_interval(secs => p_ttl_seconds)
   where stream_id = p_stream_id and conversation_id = app.conversation_id()
$$;

create or replace function app.close_live_stream(p_stream_id uuid) returns void
language sql volatile security definer
set search_path = ''
as $$
  delete from app.live_streams where stream_id = p_stream_id and conversation_id = app.conversation_id()
$$;

revoke all on function app.open_live_stream(uuid, integer, integer), app.renew_live_stream(uuid, integer), app.close_live_stream(uuid)
  from public, authenticated, app_worker, app_auth;
grant execute on function app.open_live_stream(uuid, integer, integer), app.renew_live_stream(uuid, integer), app.close_live_stream(uuid)
  to anon;
