-- Conversations with end users, their messages, and tickets for human hand-over.

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_email text check (user_email is null or length(user_email) <= 320),
  created_at timestamptz not null default now(),
  last_message_at timestamptz not null default now(),
  unique (tenant_id, id)
);
create index conversations_tenant_id_idx on public.conversations (tenant_id, last_message_at desc);

create table public.ticket_counters (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  last_number integer not null default 0
);

create table public.tickets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  number integer not null,
  conversation_id uuid not null,
  thread_id text not null unique,
  status text not null default 'pending_human' check (status in ('open', 'pending_human', 'resolved')),
  user_email text check (user_email is null or length(user_email) <= 320),
  question text not null,
  context jsonb not null default '[]'::jsonb,
  draft text,
  confidence real check (confidence is null or (confidence >= 0 and confidence <= 1)),
  escalation_reason text,
  answer text,
  resolved_by uuid,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, number),
  unique (tenant_id, id),
  foreign key (tenant_id, conversation_id) references public.conversations (tenant_id, id) on delete cascade
);
create index tickets_tenant_id_idx on public.tickets (tenant_id, status, created_at);
create index tickets_conversation_idx on public.tickets (tenant_id, conversation_id);

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  conversation_id uuid not null,
  ticket_id uuid,
  sender_type text not null check (sender_type in ('user', 'ai', 'human', 'system')),
  content text not null,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default clock_timestamp(),
  foreign key (tenant_id, conversation_id) references public.conversations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, ticket_id) references public.tickets (tenant_id, id) on delete set null (ticket_id)
);
create index messages_tenant_id_idx on public.messages (tenant_id, conversation_id, created_at);
create index messages_ticket_idx on public.messages (tenant_id, ticket_id) where ticket_id is not null;

-- Ticket numbers are per tenant and human-friendly (#1, #2, ...). The counter table is
-- private; the trigger runs as its owner so visitors can open tickets without seeing it.
create or replace function app.assign_ticket_number() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.ticket_counters as c (tenant_id, last_number)
  values (new.tenant_id, 1)
  on conflict (tenant_id) do update set last_number = c.last_number + 1
  returning last_number into new.number;
  return new;
end
$$;
revoke all on function app.assign_ticket_number() from public, anon, authenticated;

create trigger tickets_assign_number before insert on public.tickets
  for each row execute function app.assign_ticket_number();

create or replace function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at = now();
  return new;
end
$$;
create trigger tickets_touch before update on public.tickets
  for each row execute function app.touch_updated_at();

alter table public.conversations enable row level security;
alter table public.conversations force row level security;
alter table public.ticket_counters enable row level security;
alter table public.ticket_counters force row level security;
alter table public.tickets enable row level security;
alter table public.tickets force row level security;
alter table public.messages enable row level security;
alter table public.messages force row level security;

-- Staff: everything in their tenant.
create policy conversations_staff_select on public.conversations for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy conversations_staff_insert on public.conversations for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy conversations_staff_update on public.conversations for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy conversations_staff_delete on public.conversations for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- Visitors (anon widget token): only the one conversation their token is bound to.
create policy conversations_visitor_select on public.conversations for select to anon
  using (tenant_id = (select app.current_tenant_id()) and id = (select app.conversation_id()));
create policy conversations_visitor_insert on public.conversations for insert to anon
  with check (tenant_id = (select app.current_tenant_id()) and id = (select app.conversation_id()));
create policy conversations_visitor_update on public.conversations for update to anon
  using (tenant_id = (select app.current_tenant_id()) and id = (select app.conversation_id()))
  with check (tenant_id = (select app.current_tenant_id()) and id = (select app.conversation_id()));

-- The counter is reached only through the trigger above.
create policy ticket_counters_none on public.ticket_counters for all to authenticated, anon
  using (false) with check (false);

create policy tickets_staff_select on public.tickets for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy tickets_staff_insert on public.tickets for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy tickets_staff_update on public.tickets for update to authenticated
  using (tenant_id = (select app.current_tenant_id()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy tickets_staff_delete on public.tickets for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

create policy tickets_visitor_select on public.tickets for select to anon
  using (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()));
create policy tickets_visitor_insert on public.tickets for insert to anon
  with check (
    tenant_id = (select app.current_tenant_id())
    and conversation_id = (select app.conversation_id())
    and status = 'pending_human' and answer is null and resolved_by is null
  );
-- A visitor may add their e-mail address to an open ticket of their conversation.
create policy tickets_visitor_update on public.tickets for update to anon
  using (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id())
         and status <> 'resolved')
  with check (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()));

create policy messages_staff_select on public.messages for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
create policy messages_staff_insert on public.messages for insert to authenticated
  with check (tenant_id = (select app.current_tenant_id()));
create policy messages_staff_update on public.messages for update to authenticated
  using (false) with check (false);
create policy messages_staff_delete on public.messages for delete to authenticated
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

create policy messages_visitor_select on public.messages for select to anon
  using (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()));
create policy messages_visitor_insert on public.messages for insert to anon
  with check (
    tenant_id = (select app.current_tenant_id())
    and conversation_id = (select app.conversation_id())
    and sender_type in ('user', 'ai', 'system')
  );

revoke all on public.conversations, public.ticket_counters, public.tickets, public.messages
  from public, anon, authenticated, app_worker;
grant select, insert, update (user_email, last_message_at), delete on public.conversations to authenticated;
grant select, insert, update (user_email, last_message_at) on public.conversations to anon;
grant select, insert, update (status, user_email, draft, confidence, answer, resolved_by, resolved_at, context, escalation_reason), delete
  on public.tickets to authenticated;
grant select, insert, update (user_email) on public.tickets to anon;
grant select, insert, delete on public.messages to authenticated;
grant select, insert on public.messages to anon;
