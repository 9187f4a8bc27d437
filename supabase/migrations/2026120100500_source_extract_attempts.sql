-- Reading a file is recorded before it starts, so an attempt that takes the app process
-- down still counts: a file that keeps interrupting extraction fails for good instead of
-- being retried on every restart. Reset once a version's extraction has finished.
alter table public.sources add column extract_attempts int not null default 0 check (extract_attempts >= 0);
