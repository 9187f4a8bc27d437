-- Identity verification: a tenant's site may pass a signed user id (HMAC with the
-- tenant's identity secret, checked by the server), so a logged-in customer finds their
-- conversation on any device. Only the server sets it, after the signature verified,
-- acting for the tenant (staff_role 'system'); visitors cannot write it themselves.
alter table public.conversations add column external_user_id text
  check (external_user_id is null or length(external_user_id) between 1 and 200);
create index conversations_external_user_idx on public.conversations (tenant_id, external_user_id, last_message_at desc)
  where external_user_id is not null;

revoke insert on public.conversations from anon;
grant insert (id, tenant_id, user_email) on public.conversations to anon;
grant update (external_user_id) on public.conversations to authenticated;
