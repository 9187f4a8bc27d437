-- Staff management from the Control Center: owners and admins invite, re-role and remove
-- colleagues. Membership rows stay under RLS; only the self-hosted credential row
-- (auth.users, closed to request roles, GoTrue's job on Supabase) needs a definer.

-- Only an owner may create, promote to, change or remove an owner: without this an admin
-- could make themselves (or a friend) owner and then remove the real owners.
drop policy users_insert on public.users;
drop policy users_update on public.users;
drop policy users_delete on public.users;

create policy users_insert on public.users for insert to authenticated
  with check (
    tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
    and (role <> 'owner' or (select app.staff_role()) = 'owner')
  );
create policy users_update on public.users for update to authenticated
  using (
    tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
    and (role <> 'owner' or (select app.staff_role()) = 'owner')
  )
  with check (
    tenant_id = (select app.current_tenant_id())
    and (role <> 'owner' or (select app.staff_role()) = 'owner')
  );
create policy users_delete on public.users for delete to authenticated
  using (
    tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
    and (role <> 'owner' or (select app.staff_role()) = 'owner')
  );

-- A tenant never loses its last owner (nobody could manage it any more). The tenant row
-- is locked first so two concurrent removals of the last two owners cannot both pass.
-- Runs as the caller: under RLS it counts exactly the caller's tenant.
create or replace function app.keep_an_owner() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Deleting the tenant itself cascades here; its row is already gone then.
  perform 1 from public.tenants where id = old.tenant_id for update;
  if not found then
    return null;
  end if;
  if not exists (select 1 from public.users where tenant_id = old.tenant_id and role = 'owner') then
    raise exception 'a workspace must keep at least one owner' using errcode = '23514';
  end if;
  return null;
end
$$;

create trigger users_keep_an_owner after update of role or delete on public.users
  for each row when (old.role = 'owner') execute function app.keep_an_owner();

-- Self-hosted mode: the credential row for a new colleague. The caller must be an owner
-- or admin of the tenant in their claims according to the membership table (not only the
-- token). An address already used by a member of any tenant is refused; an orphaned
-- credential (its member was removed) is taken over with the new password, so removed
-- people can be invited again. The membership row itself is inserted by the caller,
-- under RLS, in the same transaction: credentials alone grant nothing (sign-in joins them
-- to a membership).
create or replace function app.create_local_credentials(p_email text, p_password_hash text)
returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_tenant uuid := app.current_tenant_id();
  v_email text := lower(trim(p_email));
  v_id uuid;
begin
  if auth.role() is distinct from 'authenticated' or not exists (
    select 1 from public.users m
    where m.id = auth.uid() and m.tenant_id = v_tenant and m.role in ('owner', 'admin')
  ) then
    raise exception 'only owners and admins can invite staff' using errcode = '42501';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+$' or length(v_email) > 320 then
    raise exception 'invalid email address' using errcode = '22023';
  end if;
  if p_password_hash is null or p_password_hash not like '$argon2id$%' then
    raise exception 'password must be an argon2id hash' using errcode = '22023';
  end if;

  select u.id into v_id from auth.users u where lower(u.email) = v_email for update;
  if v_id is not null then
    if exists (select 1 from public.users m where m.id = v_id) then
      raise exception 'this email address already has an account' using errcode = '23505';
    end if;
    update auth.users
       set encrypted_password = p_password_hash,
           raw_app_meta_data = jsonb_build_object('tenant_id', v_tenant)
     where id = v_id;
    return v_id;
  end if;

  insert into auth.users (email, encrypted_password, raw_app_meta_data)
  values (v_email, p_password_hash, jsonb_build_object('tenant_id', v_tenant))
  returning id into v_id;
  return v_id;
end
$$;
revoke all on function app.create_local_credentials(text, text) from public, anon, authenticated, app_worker;
grant execute on function app.create_local_credentials(text, text) to authenticated, service_role;
