-- Knowledge base: uploaded sources, their raw files, chunk rows with embeddings, and
-- the background jobs that turn one into the other.

create table public.sources (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  title text not null check (length(title) between 1 and 500),
  kind text not null check (kind in ('pdf', 'markdown', 'text', 'html', 'url')),
  file_name text,
  mime_type text,
  url text,
  byte_size integer not null default 0 check (byte_size >= 0),
  content_hash text,
  version integer not null default 1 check (version >= 1),
  status text not null default 'queued' check (status in ('queued', 'processing', 'ready', 'failed')),
  error text,
  chunks_total integer not null default 0,
  chunks_done integer not null default 0,
  embedding_model text,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id)
);
create index sources_tenant_id_idx on public.sources (tenant_id, created_at desc);
create trigger sources_touch before update on public.sources
  for each row execute function app.touch_updated_at();

-- Raw bytes live apart from the metadata so listing sources never reads them.
create table public.source_files (
  source_id uuid primary key,
  tenant_id uuid not null,
  version integer not null,
  data bytea not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, source_id) references public.sources (tenant_id, id) on delete cascade
);
create index source_files_tenant_id_idx on public.source_files (tenant_id);

-- One row per chunk (the product spec calls them documents).
create table public.documents (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  source_id uuid,
  source_version integer,
  chunk_index integer not null default 0,
  content text not null,
  embedding vector(1536),
  fts tsvector generated always as (to_tsvector('english', content)) stored,
  additional_data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, source_id) references public.sources (tenant_id, id) on delete cascade
);
create index documents_tenant_id_idx on public.documents (tenant_id, source_id, chunk_index);
create index documents_embedding_idx on public.documents using hnsw (embedding vector_cosine_ops);
create index documents_fts_idx on public.documents using gin (fts);

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null,
  payload jsonb not null default '{}'::jsonb,
  idempotency_key text not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  run_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, idempotency_key)
);
create index jobs_tenant_id_idx on public.jobs (tenant_id, created_at desc);
create index jobs_due_idx on public.jobs (run_at) where status in ('queued', 'running');
create trigger jobs_touch before update on public.jobs
  for each row execute function app.touch_updated_at();

alter table public.sources enable row level security;
alter table public.sources force row level security;
alter table public.source_files enable row level security;
alter table public.source_files force row level security;
alter table public.documents enable row level security;
alter table public.documents force row level security;
alter table public.jobs enable row level security;
alter table public.jobs force row level security;

create policy sources_select on public.sources for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy sources_insert on public.sources for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy sources_update on public.sources for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy sources_delete on public.sources for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()));

create policy source_files_select on public.source_files for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy source_files_insert on public.source_files for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy source_files_update on public.source_files for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy source_files_delete on public.source_files for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()));

create policy documents_select on public.documents for select to authenticated, anon
  using (tenant_id = (select app.current_tenant_id()));
create policy documents_insert on public.documents for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy documents_update on public.documents for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy documents_delete on public.documents for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()));

-- Staff see and enqueue their tenant's jobs; the worker role claims due jobs of all
-- tenants and then does each job's work inside that tenant's scoped transaction.
create policy jobs_select on public.jobs for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy jobs_insert on public.jobs for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy jobs_update on public.jobs for update to authenticated
  using (false) with check (false);
create policy jobs_delete on public.jobs for delete to authenticated
  using (false);
create policy jobs_worker on public.jobs for all to app_worker
  using (true) with check (true);

revoke all on public.sources, public.source_files, public.documents, public.jobs
  from public, anon, authenticated, app_worker;
grant select, insert, update, delete on public.sources, public.source_files, public.documents to authenticated;
grant select on public.documents to anon;
grant select, insert on public.jobs to authenticated;
grant select, insert, update, delete on public.jobs to app_worker;
