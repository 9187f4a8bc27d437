-- The cache similarity threshold is kept per embedding model
-- (tenants.settings.cache_similarity_thresholds = {"<model id>": <threshold>}): a value
-- tuned on one model's similarity scale means something else on another's. A threshold
-- set before moves under the model the tenant's vectors (or cache entries) came from;
-- a tenant with no vectors yet falls back to its model's calibrated default.
update public.tenants t
set settings = case
    when m.model is null then t.settings - 'cache_similarity_threshold'
    else (t.settings - 'cache_similarity_threshold')
         || jsonb_build_object('cache_similarity_thresholds',
              coalesce(t.settings->'cache_similarity_thresholds', '{}'::jsonb)
              || jsonb_build_object(m.model, t.settings->'cache_similarity_threshold'))
  end
from (
  select t2.id,
         coalesce(t2.embedding_model,
                  (select c.embedding_model from public.cache_entries c where c.tenant_id = t2.id
                   order by c.created_at desc limit 1)) as model
  from public.tenants t2
) m
where m.id = t.id and t.settings ? 'cache_similarity_threshold';
