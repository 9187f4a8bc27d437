-- Supabase-compatible roles, schema and helpers, created only where they are missing,
-- so the same policies run on Supabase, on a plain PostgreSQL and on PGlite.

create extension if not exists vector;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  -- Our own role for background workers (job runner, outbox dispatcher): it claims work
  -- across tenants but reaches tenant data only through tenant-scoped transactions.
  if not exists (select 1 from pg_roles where rolname = 'app_worker') then
    create role app_worker nologin noinherit;
  end if;
end
$$;

create schema if not exists auth;

-- A stub of Supabase's auth.users for the self-hosted mode (same column names as GoTrue).
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text unique,
  encrypted_password text,
  raw_app_meta_data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

do $$
begin
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'jwt'
  ) then
    execute $f$
      create function auth.jwt() returns jsonb language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $b$
    $f$;
  end if;
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'uid'
  ) then
    execute $f$
      create function auth.uid() returns uuid language sql stable as $b$
        select nullif(
          coalesce(current_setting('request.jwt.claim.sub', true), auth.jwt() ->> 'sub'), ''
        )::uuid
      $b$
    $f$;
  end if;
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'role'
  ) then
    execute $f$
      create function auth.role() returns text language sql stable as $b$
        select nullif(
          coalesce(current_setting('request.jwt.claim.role', true), auth.jwt() ->> 'role'), ''
        )::text
      $b$
    $f$;
  end if;
end
$$;

grant usage on schema auth to anon, authenticated, service_role, app_worker;
grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role, app_worker;
revoke all on auth.users from anon, authenticated, app_worker;
