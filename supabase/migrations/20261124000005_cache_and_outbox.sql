-- The tenant-scoped semantic cache (pgvector adapter) and the e-mail outbox.

create table public.cache_entries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  question text not null,
  question_key text not null,
  embedding vector(1536) not null,
  embedding_model text not null,
  answer text not null check (length(answer) > 0),
  source text not null check (source in ('ai', 'human')),
  citations jsonb not null default '[]'::jsonb,
  source_ids uuid[] not null default '{}',
  confidence real,
  ticket_id uuid,
  hits integer not null default 0,
  last_hit_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null,
  unique (tenant_id, question_key)
);
create index cache_entries_tenant_id_idx on public.cache_entries (tenant_id, expires_at);
create index cache_entries_embedding_idx on public.cache_entries using hnsw (embedding vector_cosine_ops);
create index cache_entries_source_ids_idx on public.cache_entries using gin (source_ids);
create trigger cache_entries_touch before update on public.cache_entries
  for each row execute function app.touch_updated_at();

create table public.email_outbox (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  ticket_id uuid,
  idempotency_key text not null,
  to_address text not null check (length(to_address) between 3 and 320),
  template text not null,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  provider_message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, idempotency_key)
);
create index email_outbox_tenant_id_idx on public.email_outbox (tenant_id, created_at desc);
create index email_outbox_due_idx on public.email_outbox (next_attempt_at) where status in ('pending', 'sending');

alter table public.cache_entries enable row level security;
alter table public.cache_entries force row level security;
alter table public.email_outbox enable row level security;
alter table public.email_outbox force row level security;

create policy cache_entries_select on public.cache_entries for select to authenticated, anon
  using (tenant_id = (select app.current_tenant_id()));
create policy cache_entries_staff_insert on public.cache_entries for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy cache_entries_staff_update on public.cache_entries for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy cache_entries_staff_delete on public.cache_entries for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()));
-- The chat (as the visitor) may store confident AI answers, never overwrite a human one.
create policy cache_entries_visitor_insert on public.cache_entries for insert to anon
  with check (tenant_id = (select app.current_tenant_id()) and source = 'ai');
create policy cache_entries_visitor_update on public.cache_entries for update to anon
  using (tenant_id = (select app.current_tenant_id()) and source = 'ai')
  with check (tenant_id = (select app.current_tenant_id()) and source = 'ai');

create policy email_outbox_select on public.email_outbox for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy email_outbox_insert on public.email_outbox for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy email_outbox_update on public.email_outbox for update to authenticated
  using (false) with check (false);
create policy email_outbox_delete on public.email_outbox for delete to authenticated
  using (false);
create policy email_outbox_worker on public.email_outbox for all to app_worker
  using (true) with check (true);

-- Counting a hit must work for human entries too, which visitors may not update.
create or replace function app.record_cache_hit(p_id uuid) returns void
language sql security definer
set search_path = ''
as $$
  update public.cache_entries
     set hits = hits + 1, last_hit_at = now()
   where id = p_id and tenant_id = app.current_tenant_id()
$$;
revoke all on function app.record_cache_hit(uuid) from public, anon, authenticated;
grant execute on function app.record_cache_hit(uuid) to anon, authenticated;

revoke all on public.cache_entries, public.email_outbox from public, anon, authenticated, app_worker;
grant select, insert, update, delete on public.cache_entries to authenticated;
grant select, insert, update (answer, embedding, embedding_model, citations, source_ids, confidence, expires_at, question) on public.cache_entries to anon;
grant select, insert on public.email_outbox to authenticated;
grant select, update on public.email_outbox to app_worker;
