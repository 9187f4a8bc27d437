-- The semantic-cache lookup as one statement: one round trip to the database instead of
-- seven (pool checkout, begin, set_config of role and claims, savepoint, index settings,
-- the query, release, commit). The function takes the caller's verified claims, scopes
-- itself to their tenant and returns at most the one answer to serve.
--
-- It runs as cache_reader, a role that can read only the columns a lookup needs, under
-- its own RLS policy (the same tenant predicate as every other policy): isolation stays
-- the database's job, not this function's WHERE clause. Request roles need no SELECT on
-- the table to get their answer.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'cache_reader') then
    create role cache_reader nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;

grant usage on schema public, app, auth to cache_reader;
grant execute on function app.current_tenant_id(), auth.jwt() to cache_reader;
grant select (id, tenant_id, question, question_key, embedding, embedding_model, answer, source, citations, expires_at)
  on public.cache_entries to cache_reader;

create policy cache_entries_lookup on public.cache_entries for select to cache_reader
  using (tenant_id = (select app.current_tenant_id()));

-- Claims: a caller already inside a request transaction (a request role and claims set)
-- is held to its own tenant; a caller outside one (the app's login role, no request role)
-- passes the claims it verified, which are set for the duration of the call only. The
-- index settings are the function's own (SET clauses), restored when it returns:
--  * ef_search 100 with the iterative scan finds the tenant's nearest entries in a table
--    shared by many tenants (the scan keeps walking until it has enough of this tenant's
--    rows, instead of filtering the global top ef_search down to nothing);
--  * bitmap scans off: otherwise the planner prefers the (tenant_id, expires_at) btree and
--    computes the distance to every entry of the tenant.
-- Ranking (lib/cache/ranking.ts): the most similar entry at or above the threshold, but a
-- human answer within p_human_margin of it wins. The exact entry for the question (same
-- normalised key) is probed first: a human one is the answer without a vector search, and
-- with no embedding (p_embedding null) the exact entry is the only candidate.
create or replace function app.cache_lookup(
  p_claims jsonb,
  p_question_key text,
  p_embedding vector,
  p_embedding_model text,
  p_threshold float8,
  p_candidates integer default 5,
  p_human_margin float8 default 0.02
)
returns table (id uuid, question text, answer text, source text, citations jsonb, similarity float8)
language plpgsql
security definer
-- vector's type and operators: public on plain PostgreSQL, extensions on Supabase.
set search_path = public, extensions, pg_temp
set enable_bitmapscan = off
set hnsw.iterative_scan = relaxed_order
set hnsw.ef_search = 100
as $$
declare
  v_current text := nullif(current_setting('request.jwt.claims', true), '');
  v_request_role text := current_setting('role');
  v_tenant uuid;
  v_set_claims boolean := false;
begin
  if v_current is null then
    if v_request_role is distinct from 'none' then
      raise exception 'cache_lookup: a request role must already carry its claims' using errcode = '42501';
    end if;
    if p_claims is null or p_claims ->> 'role' not in ('anon', 'authenticated') then
      raise exception 'cache_lookup: claims with role anon or authenticated are required' using errcode = '22023';
    end if;
    perform set_config('request.jwt.claims', p_claims::text, true);
    v_set_claims := true;
  elsif p_claims is not null
    and (p_claims -> 'app_metadata' ->> 'tenant_id') is distinct from (v_current::jsonb -> 'app_metadata' ->> 'tenant_id') then
    raise exception 'cache_lookup: the claims are not those of this transaction' using errcode = '42501';
  end if;
  v_tenant := app.current_tenant_id();
  if v_tenant is null then
    raise exception 'cache_lookup: the claims name no tenant' using errcode = '22023';
  end if;

  return query
  with exact as (
    select e.id, e.question, e.answer, e.source, e.citations,
           case when p_embedding is null then 1::float8 else (1 - (e.embedding <=> p_embedding))::float8 end as similarity
      from public.cache_entries e
     where e.tenant_id = v_tenant and e.question_key = p_question_key
       and e.embedding_model = p_embedding_model and e.expires_at > now()
  ),
  settled as (
    -- A human answer to this very question: nothing can outrank it.
    select * from exact x where x.source = 'human' and x.similarity >= p_threshold
  ),
  nearest as materialized (
    select e.id, e.question, e.answer, e.source, e.citations, e.embedding <=> p_embedding as distance
      from public.cache_entries e
     where p_embedding is not null and not exists (select 1 from settled)
       and e.tenant_id = v_tenant and e.embedding_model = p_embedding_model and e.expires_at > now()
     order by e.embedding <=> p_embedding
     limit p_candidates
  ),
  eligible as (
    select * from settled
    union
    select * from exact x where not exists (select 1 from settled) and x.similarity >= p_threshold
    union
    select n.id, n.question, n.answer, n.source, n.citations, (1 - n.distance)::float8 from nearest n
     where (1 - n.distance) >= p_threshold
  ),
  best as (select max(el.similarity) as top from eligible el)
  select el.id, el.question, el.answer, el.source, el.citations, el.similarity
    from eligible el, best
   order by (el.source = 'human' and el.similarity >= best.top - p_human_margin) desc, el.similarity desc, el.id
   limit 1;

  if v_set_claims then
    perform set_config('request.jwt.claims', '', true);
  end if;
end
$$;

alter function app.cache_lookup(jsonb, text, vector, text, float8, integer, float8) owner to cache_reader;
revoke all on function app.cache_lookup(jsonb, text, vector, text, float8, integer, float8) from public;
grant execute on function app.cache_lookup(jsonb, text, vector, text, float8, integer, float8) to public;

-- Hit bookkeeping in batches, off the answer's path: the app counts hits in memory and
-- flushes them per tenant now and then (lib/cache/hit-counter.ts). Security definer
-- because visitors may count hits on human entries they cannot update; it touches only
-- the caller's tenant's rows and only the two counters.
create or replace function app.record_cache_hits(p_ids uuid[], p_counts integer[], p_last_hit_at timestamptz)
returns void
language sql
security definer
set search_path = ''
as $$
  update public.cache_entries e
     set hits = e.hits + h.n, last_hit_at = greatest(coalesce(e.last_hit_at, p_last_hit_at), p_last_hit_at)
    from unnest(p_ids, p_counts) as h(id, n)
   where e.id = h.id and e.tenant_id = app.current_tenant_id() and h.n > 0
$$;
revoke all on function app.record_cache_hits(uuid[], integer[], timestamptz) from public, anon, authenticated;
grant execute on function app.record_cache_hits(uuid[], integer[], timestamptz) to anon, authenticated;
