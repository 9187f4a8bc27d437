-- The semantic cache, one partition per tenant, vectors at the model's own width.
--
-- Why: with every tenant in one HNSW graph, a tenant's lookup walks the graph until it
-- has found enough of its own rows among everyone else's (the iterative scan): at 10
-- tenants of 10,000 entries beside one of 100,000 a lookup cost 2–3 ms, and more as the
-- other tenants grow. With a partition per tenant each tenant has its own small graph, so
-- its lookup costs what its own cache costs, whatever the other tenants hold. And a
-- 384-number vector (the local MiniLM embedder) was stored zero-padded to 1,536: four
-- times the distance arithmetic, index pages and text to parse per lookup.
--
-- Layout:
--  * public.cache_entries is partitioned by list (tenant_id); each tenant's partition is
--    cache_partitions.t_<tenant id without dashes>, created with the tenant (trigger
--    below) and created and attached in two steps, so creating a tenant never takes the
--    lock that would stop every other tenant's lookups (CREATE ... PARTITION OF takes an
--    ACCESS EXCLUSIVE lock on the parent; ATTACH only SHARE UPDATE EXCLUSIVE).
--  * Partitions live in their own schema, which no request role may use: requests reach
--    the cache only through the parent and its policies (unchanged), and each partition
--    has RLS enabled and forced with no policy, so even a grant by mistake shows nothing.
--  * embedding is `vector` of any width. Two partial HNSW indexes, one per width the
--    product stores: 384 (all-MiniLM-L6-v2) and 1536 (OpenAI text-embedding-3-small, the
--    hash embedder, and any other model, zero-padded as before). The app sends a 384-wide
--    vector whenever everything past the 384th number is zero padding (lib/ai/vector.ts).
--  * The primary key is (tenant_id, id): a partitioned table's unique keys include the
--    partition key. Nothing references cache entries by foreign key.
--
-- Every policy, trigger and grant of the table is carried over as it stands (read from the
-- catalog below, not retyped), so the rules of earlier migrations stay the rules.

create schema if not exists cache_partitions;
revoke all on schema cache_partitions from public;

alter table public.cache_entries rename to cache_entries_unpartitioned;
alter index public.cache_entries_pkey rename to cache_entries_unpartitioned_pkey;
alter table public.cache_entries_unpartitioned
  rename constraint cache_entries_tenant_id_question_key_key to cache_entries_unpartitioned_key_key;

create table public.cache_entries (
  like public.cache_entries_unpartitioned including defaults including constraints including generated
) partition by list (tenant_id);
alter table public.cache_entries alter column embedding type vector;
alter table public.cache_entries add primary key (tenant_id, id);
alter table public.cache_entries add constraint cache_entries_tenant_id_question_key_key unique (tenant_id, question_key);
alter table public.cache_entries add constraint cache_entries_tenant_id_fkey
  foreign key (tenant_id) references public.tenants (id) on delete cascade;
alter table public.cache_entries add constraint cache_entries_embedding_width
  check (vector_dims(embedding) in (384, 1536));
alter table public.cache_entries enable row level security;
alter table public.cache_entries force row level security;

-- Creates and attaches the tenant's partition (idempotent). Security definer: a tenant
-- is created by provisioning code that may not create tables; the function creates
-- exactly one table, named from the uuid, in the partitions' schema.
create or replace function app.ensure_cache_partition(p_tenant uuid)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, extensions, pg_temp
as $$
declare
  v_name text := 't_' || replace(p_tenant::text, '-', '');
  v_role text;
begin
  if p_tenant is null then
    raise exception 'ensure_cache_partition: a tenant id is required' using errcode = '22023';
  end if;
  if to_regclass(format('cache_partitions.%I', v_name)) is not null then
    return;
  end if;
  execute format('create table cache_partitions.%I (like public.cache_entries including defaults including constraints)', v_name);
  execute format('alter table cache_partitions.%I enable row level security', v_name);
  execute format('alter table cache_partitions.%I force row level security', v_name);
  foreach v_role in array array['anon', 'authenticated', 'service_role', 'app_worker'] loop
    if exists (select 1 from pg_roles where rolname = v_role) then
      execute format('revoke all on cache_partitions.%I from %I', v_name, v_role);
    end if;
  end loop;
  execute format('alter table public.cache_entries attach partition cache_partitions.%I for values in (%L)', v_name, p_tenant);
end
$$;
revoke all on function app.ensure_cache_partition(uuid) from public;

create or replace function app.tenant_cache_partition() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app.ensure_cache_partition(new.id);
  return null;
end
$$;
revoke all on function app.tenant_cache_partition() from public;
create trigger tenants_cache_partition after insert on public.tenants
  for each row execute function app.tenant_cache_partition();

-- A deleted tenant's rows go by cascade; its empty partition stays (dropping it would
-- take an ACCESS EXCLUSIVE lock on the whole cache until the deletion commits).

do $$
declare
  v_tenant uuid;
  v_policy record;
  v_trigger record;
  v_grant record;
  v_columns text;
  v_values text;
begin
  for v_tenant in select id from public.tenants loop
    perform app.ensure_cache_partition(v_tenant);
  end loop;

  -- Policies, as they stand.
  for v_policy in
    select p.polname, p.polpermissive, p.polcmd,
           pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
           (select string_agg(quote_ident(r.rolname), ', ') from pg_roles r where r.oid = any (p.polroles)) as roles
      from pg_policy p where p.polrelid = 'public.cache_entries_unpartitioned'::regclass
  loop
    execute format('create policy %I on public.cache_entries as %s for %s to %s%s%s',
      v_policy.polname,
      case when v_policy.polpermissive then 'permissive' else 'restrictive' end,
      case v_policy.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
      coalesce(v_policy.roles, 'public'),
      case when v_policy.qual is null then '' else format(' using (%s)', v_policy.qual) end,
      case when v_policy.with_check is null then '' else format(' with check (%s)', v_policy.with_check) end);
  end loop;

  -- Row triggers, as they stand (the internal ones of constraints are recreated above).
  for v_trigger in
    select t.tgname, pg_get_triggerdef(t.oid) as def
      from pg_trigger t where t.tgrelid = 'public.cache_entries_unpartitioned'::regclass and not t.tgisinternal
  loop
    execute replace(v_trigger.def, 'ON public.cache_entries_unpartitioned', 'ON public.cache_entries');
  end loop;

  -- Table and column privileges, as they stand.
  execute 'revoke all on public.cache_entries from public';
  for v_grant in
    select a.privilege_type, coalesce(r.rolname, 'public') as grantee
      from pg_class c, aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee
     where c.oid = 'public.cache_entries_unpartitioned'::regclass and a.grantee <> c.relowner
  loop
    execute format('grant %s on public.cache_entries to %s', v_grant.privilege_type,
      case when v_grant.grantee = 'public' then 'public' else quote_ident(v_grant.grantee) end);
  end loop;
  for v_grant in
    select a.privilege_type, coalesce(r.rolname, 'public') as grantee, att.attname
      from pg_attribute att, aclexplode(att.attacl) a left join pg_roles r on r.oid = a.grantee
     where att.attrelid = 'public.cache_entries_unpartitioned'::regclass and att.attacl is not null
  loop
    execute format('grant %s (%I) on public.cache_entries to %s', v_grant.privilege_type, v_grant.attname,
      case when v_grant.grantee = 'public' then 'public' else quote_ident(v_grant.grantee) end);
  end loop;

  -- The rows. A vector whose numbers past the 384th are all zero is MiniLM's, padded.
  select string_agg(quote_ident(a.attname), ', ' order by a.attnum),
         string_agg(case when a.attname = 'embedding'
                         then 'case when vector_dims(o.embedding) = 1536 and vector_norm(subvector(o.embedding, 385, 1152)) = 0 '
                              'then subvector(o.embedding, 1, 384) else o.embedding end'
                         else 'o.' || quote_ident(a.attname) end, ', ' order by a.attnum)
    into v_columns, v_values
    from pg_attribute a
   where a.attrelid = 'public.cache_entries_unpartitioned'::regclass and a.attnum > 0 and not a.attisdropped;
  execute format('insert into public.cache_entries (%s) select %s from public.cache_entries_unpartitioned o', v_columns, v_values);
end
$$;

drop table public.cache_entries_unpartitioned;

-- Built once the rows are in, on every partition (and on each new one as it is attached).
create index cache_entries_tenant_id_idx on public.cache_entries (tenant_id, expires_at);
create index cache_entries_source_ids_idx on public.cache_entries using gin (source_ids);
create index cache_entries_embedding_384_idx on public.cache_entries
  using hnsw ((embedding::vector(384)) vector_cosine_ops) where vector_dims(embedding) = 384;
create index cache_entries_embedding_1536_idx on public.cache_entries
  using hnsw ((embedding::vector(1536)) vector_cosine_ops) where vector_dims(embedding) = 1536;

-- The lookup (first written in 2026120100700), for this layout. What changed:
--  * plan_cache_mode force_custom_plan: the tenant is a constant when a statement is
--    planned, so the planner keeps only that tenant's partition (a generic plan would
--    carry, and on every call lock, every tenant's partition: a cost that grows with the
--    number of tenants);
--  * so every statement is planned on every call, and planning a large statement costs
--    more than running it (the one-statement version: 0.4 ms of its 1.1 ms). The lookup
--    is therefore a few small statements: the exact-key probe (an index probe), the
--    neighbours from the partial index of the question vector's width, and the ranking
--    (of ranking.ts) in plpgsql over those few rows;
--  * ef_search stays 100: with pgvector's default of 40, 1 paraphrase in 60 (10,000 MiniLM
--    entries) was served its second-nearest entry, a wrong answer, to save about 0.5 ms.
--    The iterative scan covers entries the filters drop (expired, other model, held for
--    review).
-- Claims, roles, policies and results are as before.
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
set search_path = public, extensions, pg_temp
set enable_bitmapscan = off
set plan_cache_mode = force_custom_plan
set hnsw.iterative_scan = relaxed_order
set hnsw.ef_search = 100
as $$
declare
  v_current text := nullif(current_setting('request.jwt.claims', true), '');
  v_request_role text := current_setting('role');
  v_tenant uuid;
  v_set_claims boolean := false;
  v_width integer := vector_dims(p_embedding);
  -- The question at each width (null at the other): a cast of the wrong width is never
  -- evaluated, not even by the planner folding constants.
  v_q384 vector(384) := case when vector_dims(p_embedding) = 384 then p_embedding end;
  v_q1536 vector(1536) := case when vector_dims(p_embedding) = 1536 then p_embedding end;
  v_exact record;
  v_settled boolean := false;
  r record;
  -- The candidates at or above the threshold, one array per column.
  c_ids uuid[] := '{}';
  c_questions text[] := '{}';
  c_answers text[] := '{}';
  c_sources text[] := '{}';
  c_citations jsonb[] := '{}';
  c_similarities float8[] := '{}';
  v_top float8;
  v_pick integer;
  v_pick_preferred boolean;
  v_preferred boolean;
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
  if v_width is not null and v_width not in (384, 1536) then
    raise exception 'cache_lookup: the cache stores vectors of 384 or 1536 dimensions, not %', v_width using errcode = '22023';
  end if;

  -- The entry for this very question (same normalised key); with no embedding it is the
  -- only candidate.
  select e.id, e.question, e.answer, e.source, e.citations,
         case when p_embedding is null then 1::float8 else (1 - (e.embedding <=> p_embedding))::float8 end as similarity
    into v_exact
    from public.cache_entries e
   where e.tenant_id = v_tenant and e.question_key = p_question_key
     and e.embedding_model = p_embedding_model and e.expires_at > now()
     and (p_embedding is null or vector_dims(e.embedding) = v_width);
  if found and v_exact.similarity >= p_threshold then
    c_ids := array[v_exact.id];
    c_questions := array[v_exact.question];
    c_answers := array[v_exact.answer];
    c_sources := array[v_exact.source];
    c_citations := array[v_exact.citations];
    c_similarities := array[v_exact.similarity];
    -- A human answer to this very question: nothing can outrank it.
    v_settled := v_exact.source = 'human';
  end if;

  -- The nearest entries, from the partial HNSW index of the question's width.
  if not v_settled and v_q384 is not null then
    for r in
      select e.id, e.question, e.answer, e.source, e.citations, (1 - (e.embedding::vector(384) <=> v_q384))::float8 as similarity
        from public.cache_entries e
       where e.tenant_id = v_tenant and vector_dims(e.embedding) = 384
         and e.embedding_model = p_embedding_model and e.expires_at > now()
       order by e.embedding::vector(384) <=> v_q384
       limit p_candidates
    loop
      if r.similarity >= p_threshold and not (r.id = any (c_ids)) then
        c_ids := c_ids || r.id; c_questions := c_questions || r.question; c_answers := c_answers || r.answer;
        c_sources := c_sources || r.source; c_citations := c_citations || r.citations; c_similarities := c_similarities || r.similarity;
      end if;
    end loop;
  elsif not v_settled and v_q1536 is not null then
    for r in
      select e.id, e.question, e.answer, e.source, e.citations, (1 - (e.embedding::vector(1536) <=> v_q1536))::float8 as similarity
        from public.cache_entries e
       where e.tenant_id = v_tenant and vector_dims(e.embedding) = 1536
         and e.embedding_model = p_embedding_model and e.expires_at > now()
       order by e.embedding::vector(1536) <=> v_q1536
       limit p_candidates
    loop
      if r.similarity >= p_threshold and not (r.id = any (c_ids)) then
        c_ids := c_ids || r.id; c_questions := c_questions || r.question; c_answers := c_answers || r.answer;
        c_sources := c_sources || r.source; c_citations := c_citations || r.citations; c_similarities := c_similarities || r.similarity;
      end if;
    end loop;
  end if;

  -- Ranking (lib/cache/ranking.ts): the most similar candidate, but a human answer within
  -- p_human_margin of it wins; ties go to the smaller id.
  for i in 1 .. coalesce(array_length(c_ids, 1), 0) loop
    v_top := greatest(v_top, c_similarities[i]);
  end loop;
  for i in 1 .. coalesce(array_length(c_ids, 1), 0) loop
    v_preferred := c_sources[i] = 'human' and c_similarities[i] >= v_top - p_human_margin;
    if v_pick is null
      or (v_preferred and not v_pick_preferred)
      or (v_preferred = v_pick_preferred and (c_similarities[i] > c_similarities[v_pick]
          or (c_similarities[i] = c_similarities[v_pick] and c_ids[i] < c_ids[v_pick]))) then
      v_pick := i;
      v_pick_preferred := v_preferred;
    end if;
  end loop;

  if v_set_claims then
    perform set_config('request.jwt.claims', '', true);
  end if;
  if v_pick is not null then
    id := c_ids[v_pick];
    question := c_questions[v_pick];
    answer := c_answers[v_pick];
    source := c_sources[v_pick];
    citations := c_citations[v_pick];
    similarity := c_similarities[v_pick];
    return next;
  end if;
end
$$;
