-- The safe learning loop: cached answers record who approved them, and knowledge and
-- cache management belong to owners and admins (a tenant setting may let agents in),
-- enforced here rather than only by hiding buttons in the Control Center.

alter table public.cache_entries
  add column approved_by uuid,
  add column approved_at timestamptz;

-- Owners, admins and background jobs (staff_role 'system') manage knowledge and the
-- cache; agents only when the tenant's settings say agents_manage_knowledge = true.
-- Runs as the caller: under RLS it reads exactly the caller's own tenant row.
create or replace function app.can_manage_knowledge() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(app.staff_role() in ('owner', 'admin', 'system'), false)
      or (app.staff_role() = 'agent' and exists (
            select 1 from public.tenants t
             where t.id = app.current_tenant_id() and t.settings ->> 'agents_manage_knowledge' = 'true'))
$$;
grant execute on function app.can_manage_knowledge() to anon, authenticated, app_worker;

-- Cache: anyone on staff may add the reviewed answer of a ticket they resolve (it is
-- theirs, approved by them); editing or deleting entries needs the management right.
drop policy cache_entries_staff_insert on public.cache_entries;
drop policy cache_entries_staff_update on public.cache_entries;
drop policy cache_entries_staff_delete on public.cache_entries;
create policy cache_entries_staff_insert on public.cache_entries for insert to authenticated
  with check (
    tenant_id = (select app.current_tenant_id())
    and ((select app.can_manage_knowledge())
         or (source = 'human' and ticket_id is not null and approved_by = (select auth.uid())))
  );
create policy cache_entries_staff_update on public.cache_entries for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy cache_entries_staff_delete on public.cache_entries for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));

-- Knowledge: every member reads it; only managers add, change or remove it.
drop policy sources_insert on public.sources;
drop policy sources_update on public.sources;
drop policy sources_delete on public.sources;
create policy sources_insert on public.sources for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));
create policy sources_update on public.sources for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy sources_delete on public.sources for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));

drop policy source_files_insert on public.source_files;
drop policy source_files_update on public.source_files;
drop policy source_files_delete on public.source_files;
create policy source_files_insert on public.source_files for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));
create policy source_files_update on public.source_files for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy source_files_delete on public.source_files for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));

drop policy documents_insert on public.documents;
drop policy documents_update on public.documents;
drop policy documents_delete on public.documents;
create policy documents_insert on public.documents for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));
create policy documents_update on public.documents for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy documents_delete on public.documents for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.can_manage_knowledge()));

-- Who on staff wrote a human message, and which cache entry a cached answer came from:
-- for the Control Center (and ratings), never for visitors, whose role may read only the
-- columns below.
alter table public.messages add column author_id uuid, add column cache_entry_id uuid;
revoke select on public.messages from anon;
grant select (id, tenant_id, conversation_id, ticket_id, sender_type, content, metadata, created_at)
  on public.messages to anon;
