-- Background jobs act for a tenant with staff_role 'system' (lib/auth/claims.ts
-- systemClaims). Ingestion records which embedding model produced the tenant's vectors;
-- column grants limit what any authenticated update can touch, and this policy lets
-- the system identity update its own tenant's row only.
create policy tenants_update_system on public.tenants for update to authenticated
  using (id = (select app.current_tenant_id()) and (select app.staff_role()) = 'system')
  with check (id = (select app.current_tenant_id()));
