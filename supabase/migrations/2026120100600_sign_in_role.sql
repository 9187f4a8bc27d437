-- A dedicated role for the self-hosted sign-in. app.local_credentials returns any
-- tenant's password hashes, so no request role (anon, the widget's role, above all) may
-- execute it: only app_auth, which the server switches to for the sign-in transaction.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'app_auth') then
    create role app_auth nologin noinherit;
  end if;
end
$$;

grant usage on schema app, auth to app_auth;
grant execute on function auth.jwt(), auth.uid(), auth.role() to app_auth;

revoke all on function app.local_credentials(text) from public, anon, authenticated, app_worker;
grant execute on function app.local_credentials(text) to app_auth;

-- Login roles that may already switch to the worker role (the app's) get this one too;
-- new installs grant it in ensureAppLoginRole / the README's deployment steps.
do $$
declare
  member text;
begin
  for member in
    select r.rolname from pg_auth_members m
      join pg_roles g on g.oid = m.roleid and g.rolname = 'app_worker'
      join pg_roles r on r.oid = m.member
    where r.rolcanlogin
  loop
    execute format('grant app_auth to %I', member);
  end loop;
exception when others then
  raise notice 'could not grant app_auth to the app login roles: %', sqlerrm;
end
$$;

-- Trigger functions run when their trigger fires, whoever is allowed to call them; no
-- role needs to call them directly (PostgreSQL grants EXECUTE to PUBLIC by default).
revoke execute on function app.touch_updated_at(), app.keep_an_owner() from public;
