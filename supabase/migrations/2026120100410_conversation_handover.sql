-- Hand-over of the conversation, not a ticket per message. A ticket is the conversation's
-- time with humans: 'pending_human' (waiting for a human), 'open' (with a human: staff
-- replied, the visitor may answer back), 'resolved' (closed, with or without a reply).

alter table public.tickets
  add column closed_reason text check (closed_reason is null or length(closed_reason) <= 500);
grant update (closed_reason) on public.tickets to authenticated;

-- At most one open ticket per conversation. Older duplicates (from before this rule)
-- are closed in favour of the newest, so the index can be built on existing data.
update public.tickets t
   set status = 'resolved', resolved_at = coalesce(t.resolved_at, now()),
       closed_reason = 'Merged into a newer ticket of the same conversation'
 where t.status in ('open', 'pending_human')
   and exists (
     select 1 from public.tickets n
      where n.tenant_id = t.tenant_id and n.conversation_id = t.conversation_id
        and n.status in ('open', 'pending_human') and (n.created_at, n.id) > (t.created_at, t.id));
create unique index tickets_one_open_per_conversation on public.tickets (tenant_id, conversation_id)
  where status in ('open', 'pending_human');

-- Visitors rate the assistant's answers (AI or cached). Staff read the ratings.
create table public.message_ratings (
  message_id uuid primary key references public.messages (id) on delete cascade,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  conversation_id uuid not null,
  rating text not null check (rating in ('helpful', 'not_helpful')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (tenant_id, conversation_id) references public.conversations (tenant_id, id) on delete cascade
);
create index message_ratings_tenant_id_idx on public.message_ratings (tenant_id, created_at desc);
create trigger message_ratings_touch before update on public.message_ratings
  for each row execute function app.touch_updated_at();

alter table public.message_ratings enable row level security;
alter table public.message_ratings force row level security;

create policy message_ratings_staff_select on public.message_ratings for select to authenticated
  using (tenant_id = (select app.current_tenant_id()));
-- A rating is the visitor's word: staff cannot write or change it.
create policy message_ratings_staff_insert on public.message_ratings for insert to authenticated with check (false);
create policy message_ratings_staff_update on public.message_ratings for update to authenticated using (false) with check (false);
create policy message_ratings_staff_delete on public.message_ratings for delete to authenticated using (false);

create policy message_ratings_visitor_select on public.message_ratings for select to anon
  using (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()));
-- Only the assistant's answers in the visitor's own conversation can be rated.
create policy message_ratings_visitor_insert on public.message_ratings for insert to anon
  with check (
    tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id())
    and exists (select 1 from public.messages m
                 where m.id = message_id and m.conversation_id = (select app.conversation_id()) and m.sender_type = 'ai')
  );
create policy message_ratings_visitor_update on public.message_ratings for update to anon
  using (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()))
  with check (tenant_id = (select app.current_tenant_id()) and conversation_id = (select app.conversation_id()));

revoke all on public.message_ratings from public, anon, authenticated, app_worker;
grant select on public.message_ratings to authenticated;
grant select, insert, update (rating) on public.message_ratings to anon;
grant all on public.message_ratings to service_role;

-- A cached answer that collects bad ratings stops being served until staff review it.
alter table public.cache_entries
  add column helpful_count integer not null default 0,
  add column not_helpful_count integer not null default 0,
  add column needs_review boolean not null default false;

-- Restrictive: whatever else allows visitors to read the cache, an entry waiting for
-- review is invisible to them, so no lookup (whatever its SQL) can serve it.
create policy cache_entries_visitor_reviewed on public.cache_entries as restrictive for select to anon
  using (not needs_review);

-- Counts the ratings of the answers a cache entry gave since it was last approved, and
-- flags it for review at two or more "not helpful" outweighing the helpful ones.
-- Security definer: visitors rate, but may not update human cache entries themselves;
-- it touches only the entry behind the rated message, in the caller's tenant.
create or replace function app.apply_message_rating() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_entry uuid;
begin
  select m.cache_entry_id into v_entry from public.messages m
   where m.id = new.message_id and m.tenant_id = new.tenant_id;
  if v_entry is null then
    return null;
  end if;
  update public.cache_entries e
     set helpful_count = s.helpful, not_helpful_count = s.not_helpful,
         needs_review = e.needs_review or (s.not_helpful >= 2 and s.not_helpful > s.helpful)
    from (
      select count(*) filter (where r.rating = 'helpful')::int as helpful,
             count(*) filter (where r.rating = 'not_helpful')::int as not_helpful
        from public.message_ratings r join public.messages m on m.id = r.message_id
       where m.cache_entry_id = v_entry and m.tenant_id = new.tenant_id
         and r.updated_at >= coalesce((select approved_at from public.cache_entries where id = v_entry), '-infinity')
    ) s
   where e.id = v_entry and e.tenant_id = new.tenant_id;
  return null;
end
$$;
revoke all on function app.apply_message_rating() from public, anon, authenticated;

create trigger message_ratings_apply after insert or update of rating on public.message_ratings
  for each row execute function app.apply_message_rating();

