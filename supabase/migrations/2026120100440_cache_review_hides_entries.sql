-- A cached answer held for review (bad ratings) is served by no lookup, whichever role
-- runs it: visitors (restrictive policy in 2026120100410) and cache_reader, the role the
-- one-statement lookup function runs as (2026120100700, which creates the same role if
-- it is still missing; it is created here first because this file sorts before it).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'cache_reader') then
    create role cache_reader nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;

grant select (needs_review) on public.cache_entries to cache_reader;
create policy cache_entries_lookup_reviewed on public.cache_entries as restrictive for select to cache_reader
  using (not needs_review);
