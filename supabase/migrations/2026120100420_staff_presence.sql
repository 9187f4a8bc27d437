-- Who on staff has a ticket open, and who is writing a reply: each open ticket page
-- beats every few seconds; a beat older than a few seconds means they left.
create table public.staff_presence (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  ticket_id uuid not null,
  user_id uuid not null,
  replying boolean not null default false,
  seen_at timestamptz not null default now(),
  primary key (tenant_id, ticket_id, user_id),
  foreign key (tenant_id, ticket_id) references public.tickets (tenant_id, id) on delete cascade
);
create index staff_presence_tenant_id_idx on public.staff_presence (tenant_id, ticket_id, seen_at desc);

alter table public.staff_presence enable row level security;
alter table public.staff_presence force row level security;

-- Colleagues see each other; each writes only their own presence.
create policy staff_presence_select on public.staff_presence for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy staff_presence_insert on public.staff_presence for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select auth.uid()));
create policy staff_presence_update on public.staff_presence for update to authenticated
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select auth.uid()))
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select auth.uid()));
create policy staff_presence_delete on public.staff_presence for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select auth.uid()));

revoke all on public.staff_presence from public, anon, authenticated, app_worker;
grant select, insert, update (replying, seen_at), delete on public.staff_presence to authenticated;
grant all on public.staff_presence to service_role;
