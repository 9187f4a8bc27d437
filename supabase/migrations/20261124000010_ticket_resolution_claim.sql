-- Resolving a ticket is claimed first, atomically, so two staff members (or a double
-- click) cannot resume the same paused workflow twice. A claim older than a minute is
-- considered abandoned (the resolving request died) and may be taken over.
alter table public.tickets
  add column resolving_by uuid,
  add column resolving_at timestamptz;

grant update (resolving_by, resolving_at) on public.tickets to authenticated;
