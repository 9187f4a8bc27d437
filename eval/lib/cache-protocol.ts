import { UsageError } from "./args";
import { seededRandom, shuffled } from "./random";

export interface LabeledText {
  text: string;
  label: string;
  /** Where the row starts in the input file, for the per-query output. */
  line: number;
}

export interface TenantPlan {
  index: number;
  labels: string[];
  /** Written to this tenant's cache, answer = label. */
  seeds: LabeledText[];
  /** Looked up in this tenant's cache. */
  queries: LabeledText[];
}

export interface CachePlan {
  tenants: TenantPlan[];
  /** Which tenant owns each seeded label: a hit on another tenant's label crosses tenants. */
  labelTenant: Map<string, number>;
  /** Labels with no phrasing left to query after seeding. */
  seedOnlyLabels: string[];
}

export interface PlanOptions {
  tenants: number;
  seedPerLabel: number;
  negativeLabel?: string;
  seed: number;
}

/**
 * The cache protocol's bookkeeping. Labels are shuffled (seeded) and dealt round-robin to
 * the tenants; within a label, `seedPerLabel` shuffled phrasings seed that tenant's cache
 * and every other phrasing is a query. Rows of the negative label are never seeded, only
 * queried, dealt round-robin too: any hit on them serves a wrong answer.
 */
export function planCacheEval(rows: readonly LabeledText[], options: PlanOptions): CachePlan {
  const random = seededRandom(options.seed);
  const byLabel = new Map<string, LabeledText[]>();
  const negatives: LabeledText[] = [];
  for (const row of rows) {
    if (options.negativeLabel !== undefined && row.label === options.negativeLabel) negatives.push(row);
    else {
      const phrasings = byLabel.get(row.label) ?? [];
      phrasings.push(row);
      byLabel.set(row.label, phrasings);
    }
  }
  const labels = shuffled([...byLabel.keys()].sort(), random);
  if (labels.length < options.tenants) {
    throw new UsageError(`${labels.length} label(s) cannot be split across ${options.tenants} tenants; lower --tenants`);
  }
  const tenants: TenantPlan[] = Array.from({ length: options.tenants }, (_v, index) => ({ index, labels: [], seeds: [], queries: [] }));
  const labelTenant = new Map<string, number>();
  const seedOnlyLabels: string[] = [];
  labels.forEach((label, i) => {
    const tenant = tenants[i % options.tenants];
    const phrasings = shuffled(byLabel.get(label)!, random);
    tenant.labels.push(label);
    tenant.seeds.push(...phrasings.slice(0, options.seedPerLabel));
    const queries = phrasings.slice(options.seedPerLabel);
    if (queries.length === 0) seedOnlyLabels.push(label);
    tenant.queries.push(...queries);
    labelTenant.set(label, tenant.index);
  });
  negatives.forEach((row, i) => tenants[i % options.tenants].queries.push(row));
  for (const tenant of tenants) tenant.queries.sort((a, b) => a.line - b.line);
  return { tenants, labelTenant, seedOnlyLabels };
}

/** What one lookup found: the nearest entry of the querying tenant's cache, whatever its similarity. */
export interface QueryResult {
  text: string;
  label: string;
  tenant: number;
  line: number;
  bestLabel: string | null;
  /** The tenant that seeded the best match's label; differs from `tenant` only on an isolation defect. */
  bestTenant: number | null;
  similarity: number | null;
  lookupMs: number;
  embedMs: number;
}

/** Attributes a returned answer (a label) to the tenant that seeded it. */
export function toQueryResult(
  plan: CachePlan,
  query: LabeledText & { tenant: number },
  found: { answer: string; similarity: number } | null,
  timing: { lookupMs: number; embedMs: number },
): QueryResult {
  return {
    text: query.text,
    label: query.label,
    tenant: query.tenant,
    line: query.line,
    bestLabel: found?.answer ?? null,
    bestTenant: found ? (plan.labelTenant.get(found.answer) ?? null) : null,
    similarity: found?.similarity ?? null,
    ...timing,
  };
}
