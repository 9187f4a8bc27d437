-- Self-hosted staff sessions, so that signing out (or changing the password) ends a
-- session before its token expires. Every staff request already re-reads the membership;
-- it checks its session here in the same statement. Not tenant data a request reads: the
-- rows are reached only through the functions below, each bound to the caller's identity.

create table app.staff_sessions (
  id uuid primary key,
  user_id uuid not null,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index staff_sessions_user_idx on app.staff_sessions (user_id, expires_at);
revoke all on app.staff_sessions from public, anon, authenticated, app_worker, app_auth;
grant select, delete on app.staff_sessions to service_role;

-- Sign-in (the app_auth role) records a session for the member it has just verified.
create or replace function app.start_staff_session(p_id uuid, p_user_id uuid, p_tenant_id uuid, p_expires_at timestamptz)
returns void
language sql volatile security definer
set search_path = ''
as $$
  delete from app.staff_sessions where user_id = p_user_id and expires_at < now();
  insert into app.staff_sessions (id, user_id, tenant_id, expires_at)
  select p_id, p_user_id, p_tenant_id, p_expires_at
  where exists (select 1 from public.users m where m.id = p_user_id and m.tenant_id = p_tenant_id);
$$;

-- Whether the caller's own session is still open.
create or replace function app.staff_session_active(p_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from app.staff_sessions s
    where s.id = p_id and s.user_id = auth.uid() and s.revoked_at is null and s.expires_at > now()
  )
$$;

-- Ends the caller's own session (sign-out), or all its others (after a password change).
create or replace function app.revoke_staff_sessions(p_id uuid, p_all_but boolean default false) returns integer
language sql volatile security definer
set search_path = ''
as $$
  with ended as (
    update app.staff_sessions s set revoked_at = now()
     where s.user_id = auth.uid() and s.revoked_at is null
       and (case when p_all_but then s.id <> p_id else s.id = p_id end)
    returning 1
  )
  select count(*)::integer from ended
$$;

-- A staff member sets their own password (the caller's current one was checked by the app).
create or replace function app.set_own_password(p_password_hash text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if auth.uid() is null or p_password_hash !~ '^\$argon2id\$' then
    raise exception 'set_own_password needs a signed-in member and an argon2id hash' using errcode = '42501';
  end if;
  update auth.users set encrypted_password = p_password_hash where id = auth.uid();
end
$$;

revoke all on function app.start_staff_session(uuid, uuid, uuid, timestamptz), app.staff_session_active(uuid),
  app.revoke_staff_sessions(uuid, boolean), app.set_own_password(text)
  from public, anon, authenticated, app_worker, app_auth;
grant execute on function app.start_staff_session(uuid, uuid, uuid, timestamptz) to app_auth;
grant execute on function app.staff_session_active(uuid), app.revoke_staff_sessions(uuid, boolean), app.set_own_password(text)
  to authenticated;
