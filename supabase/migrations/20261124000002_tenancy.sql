-- Tenants, staff membership, and the helpers every policy uses.

create schema if not exists app;
grant usage on schema app to anon, authenticated, app_worker;

-- The tenant of the current request, read from the verified JWT claims that the server
-- set with set_config(..., true) at the start of the transaction. NULL (no rows
-- visible) when there are no claims. Policies wrap it in (select ...) so it is
-- evaluated once per statement, not once per row.
create or replace function app.current_tenant_id() returns uuid
language sql stable
set search_path = ''
as $$
  select nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid
$$;

create or replace function app.staff_role() returns text
language sql stable
set search_path = ''
as $$
  select case when auth.role() = 'authenticated' then auth.jwt() -> 'app_metadata' ->> 'staff_role' end
$$;

-- The conversation a widget (anon) token is bound to.
create or replace function app.conversation_id() returns uuid
language sql stable
set search_path = ''
as $$
  select case when auth.role() = 'anon'
    then nullif(auth.jwt() -> 'app_metadata' ->> 'conversation_id', '')::uuid end
$$;

create or replace function app.is_tenant_admin() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(app.staff_role() in ('owner', 'admin'), false)
$$;

grant execute on function app.current_tenant_id(), app.staff_role(), app.conversation_id(), app.is_tenant_admin()
  to anon, authenticated, app_worker;

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  widget_key text not null unique default ('pk_' || replace(gen_random_uuid()::text, '-', '')),
  settings jsonb not null default '{"confidence_threshold": 0.7, "cache_ttl_days": 7, "branding": {}}'::jsonb,
  embedding_model text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- tenants is keyed by id, so its "index led by tenant_id" is the primary key.

create table public.users (
  id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  email text not null,
  display_name text,
  role text not null check (role in ('owner', 'admin', 'agent')),
  created_at timestamptz not null default now(),
  unique (tenant_id, email)
);
create index users_tenant_id_idx on public.users (tenant_id, role);

create table public.audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  actor_id uuid,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_tenant_id_idx on public.audit_log (tenant_id, created_at desc);

alter table public.tenants enable row level security;
alter table public.tenants force row level security;
alter table public.users enable row level security;
alter table public.users force row level security;
alter table public.audit_log enable row level security;
alter table public.audit_log force row level security;

-- tenants: staff and widget visitors see only their own tenant; owners/admins edit it.
-- Creating and deleting tenants is provisioning (service role), never a request.
create policy tenants_select on public.tenants for select to authenticated, anon
  using (id = (select app.current_tenant_id()));
create policy tenants_insert on public.tenants for insert to authenticated
  with check (false);
create policy tenants_update on public.tenants for update to authenticated
  using (id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (id = (select app.current_tenant_id()));
create policy tenants_delete on public.tenants for delete to authenticated
  using (false);

-- users (membership): staff see their colleagues; owners/admins manage them.
create policy users_select on public.users for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy users_insert on public.users for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy users_update on public.users for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy users_delete on public.users for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- audit_log: append-only; staff read their tenant's log and write entries as themselves.
create policy audit_log_select on public.audit_log for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy audit_log_insert on public.audit_log for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and actor_id is not distinct from (select auth.uid()));
create policy audit_log_update on public.audit_log for update to authenticated
  using (false) with check (false);
create policy audit_log_delete on public.audit_log for delete to authenticated
  using (false);

revoke all on public.tenants, public.users, public.audit_log from public, anon, authenticated, app_worker;
grant select on public.tenants to anon;
grant select, update (name, settings, embedding_model, updated_at) on public.tenants to authenticated;
grant select, insert, update (display_name, role), delete on public.users to authenticated;
grant select, insert on public.audit_log to authenticated;

-- The widget knows only its public key: this resolves it to the tenant's public face.
create or replace function app.tenant_by_widget_key(p_key text)
returns table (id uuid, name text, slug text, settings jsonb)
language sql stable security definer
set search_path = ''
as $$
  select t.id, t.name, t.slug, t.settings from public.tenants t where t.widget_key = p_key
$$;
revoke all on function app.tenant_by_widget_key(text) from public, anon, authenticated;
grant execute on function app.tenant_by_widget_key(text) to anon;

-- Self-hosted sign-in: the credential row for one e-mail address (GoTrue's job on Supabase).
create or replace function app.local_credentials(p_email text)
returns table (user_id uuid, tenant_id uuid, role text, email text, password_hash text)
language sql stable security definer
set search_path = ''
as $$
  select u.id, m.tenant_id, m.role, u.email, u.encrypted_password
  from auth.users u join public.users m on m.id = u.id
  where lower(u.email) = lower(p_email)
$$;
revoke all on function app.local_credentials(text) from public, anon, authenticated;
grant execute on function app.local_credentials(text) to anon;
