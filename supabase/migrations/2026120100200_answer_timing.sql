-- Speed of each generated answer, recorded on the answer's message: time from the
-- question reaching the agent to the first generated token, and output tokens per
-- second after it. Null for messages no model generated (questions, cache hits,
-- human answers, hand-over notices).
alter table public.messages
  add column ttft_ms integer check (ttft_ms >= 0),
  add column tokens_per_second real check (tokens_per_second >= 0);
