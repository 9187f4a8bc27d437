-- Least privilege for visitors on the semantic cache: the anon role (widget tokens) no
-- longer reads or writes public.cache_entries directly. It reaches the cache through two
-- narrow functions only:
--  * app.cache_lookup (migration 2026120100700): the one answer to serve, read as
--    cache_reader under its own tenant policy;
--  * app.cache_write_ai (below): stores a confident AI answer for the caller's tenant,
--    never touching a human entry, written as cache_writer under its own tenant policies.
-- Before, a visitor's transaction could select the tenant's whole cache table and rewrite
-- any AI entry's answer with a hand-made UPDATE.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'cache_writer') then
    create role cache_writer nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;

grant usage on schema public, app, auth to cache_writer;
grant execute on function app.current_tenant_id(), auth.jwt() to cache_writer;
grant select (tenant_id, question_key, source) on public.cache_entries to cache_writer;
grant insert (tenant_id, question, question_key, embedding, embedding_model, answer, source, citations, source_ids,
  confidence, expires_at) on public.cache_entries to cache_writer;
grant update (question, embedding, embedding_model, answer, citations, source_ids, confidence, expires_at)
  on public.cache_entries to cache_writer;

create policy cache_entries_writer_select on public.cache_entries for select to cache_writer
  using (tenant_id = (select app.current_tenant_id()));
create policy cache_entries_writer_insert on public.cache_entries for insert to cache_writer
  with check (tenant_id = (select app.current_tenant_id()) and source = 'ai');
create policy cache_entries_writer_update on public.cache_entries for update to cache_writer
  using (tenant_id = (select app.current_tenant_id()) and source = 'ai')
  with check (tenant_id = (select app.current_tenant_id()) and source = 'ai');

-- Upserts the AI answer to this question (same normalised key) in the caller's tenant;
-- returns false when a human answer holds the key (it is never overwritten).
create or replace function app.cache_write_ai(
  p_question text,
  p_question_key text,
  p_embedding vector,
  p_embedding_model text,
  p_answer text,
  p_citations jsonb,
  p_source_ids uuid[],
  p_confidence float8,
  p_ttl_days float8
)
returns boolean
language plpgsql
security definer
set search_path = public, extensions, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant_id();
  v_source text;
begin
  if v_tenant is null then
    raise exception 'cache_write_ai: the claims name no tenant' using errcode = '42501';
  end if;
  select e.source into v_source from public.cache_entries e
   where e.tenant_id = v_tenant and e.question_key = p_question_key;
  if v_source = 'human' then
    return false;
  end if;
  if v_source is null then
    insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source,
      citations, source_ids, confidence, expires_at)
    values (v_tenant, p_question, p_question_key, p_embedding, p_embedding_model, p_answer, 'ai',
      p_citations, p_source_ids, p_confidence, now() + make_interval(secs => p_ttl_days * 86400))
    on conflict (tenant_id, question_key) do nothing;
    return found;
  end if;
  update public.cache_entries
     set question = p_question, embedding = p_embedding, embedding_model = p_embedding_model, answer = p_answer,
         citations = p_citations, source_ids = p_source_ids, confidence = p_confidence,
         expires_at = now() + make_interval(secs => p_ttl_days * 86400)
   where tenant_id = v_tenant and question_key = p_question_key and source = 'ai';
  return found;
end
$$;

alter function app.cache_write_ai(text, text, vector, text, text, jsonb, uuid[], float8, float8) owner to cache_writer;
revoke all on function app.cache_write_ai(text, text, vector, text, text, jsonb, uuid[], float8, float8) from public;
grant execute on function app.cache_write_ai(text, text, vector, text, text, jsonb, uuid[], float8, float8) to anon, authenticated;

-- The visitor's direct way in, closed.
drop policy cache_entries_visitor_insert on public.cache_entries;
drop policy cache_entries_visitor_update on public.cache_entries;
drop policy cache_entries_visitor_reviewed on public.cache_entries;
alter policy cache_entries_select on public.cache_entries to authenticated;
revoke all on public.cache_entries from anon;
