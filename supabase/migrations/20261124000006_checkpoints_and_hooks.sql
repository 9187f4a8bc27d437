-- LangGraph checkpoints hold every tenant's conversation state and are not under RLS:
-- they live in their own schema that no request role can read. The app's login role
-- (not a request role) owns the tables, created by the checkpointer's own setup().
create schema if not exists langgraph;
revoke all on schema langgraph from public, anon, authenticated, app_worker;

do $$
begin
  execute format('grant app_worker to %I', current_user);
exception when others then
  raise notice 'could not grant app_worker to %: %', current_user, sqlerrm;
end
$$;

-- Supabase Custom Access Token Hook: puts the tenant and staff role into app_metadata
-- (never user_metadata, which users can edit themselves). Enable it in the Supabase
-- dashboard (Authentication > Hooks) as public.custom_access_token_hook.
create or replace function public.custom_access_token_hook(event jsonb) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  membership record;
  claims jsonb;
begin
  select m.tenant_id, m.role into membership
  from public.users m where m.id = (event ->> 'user_id')::uuid;

  claims := coalesce(event -> 'claims', '{}'::jsonb);
  if membership.tenant_id is not null then
    claims := jsonb_set(claims, '{app_metadata}',
      coalesce(claims -> 'app_metadata', '{}'::jsonb)
        || jsonb_build_object('tenant_id', membership.tenant_id, 'staff_role', membership.role));
  else
    claims := jsonb_set(claims, '{app_metadata}',
      coalesce(claims -> 'app_metadata', '{}'::jsonb) - 'tenant_id' - 'staff_role');
  end if;
  return jsonb_set(event, '{claims}', claims);
end
$$;
revoke all on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    execute 'grant usage on schema public to supabase_auth_admin';
    execute 'grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin';
    execute 'grant select on public.users to supabase_auth_admin';
    execute 'create policy users_auth_admin_select on public.users for select to supabase_auth_admin using (true)';
  end if;
end
$$;

-- The service role (provisioning and migrations only) may do everything, as on Supabase.
grant usage on schema public, app, auth to service_role;
grant all on all tables in schema public to service_role;
grant all on all sequences in schema public to service_role;
grant all on auth.users to service_role;
grant execute on all functions in schema app to service_role;
