import "server-only";
import type { RequestClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { getTenantSettings } from "@/lib/tenants/settings";
import { getRateLimiter } from "./index";

const THIRTY_DAYS = 30 * 24 * 3600;
/** What one answer reserves: grade, generate and assess_confidence call the model once each. */
export const ANSWER_MODEL_CALLS = 3;

/**
 * The tenant's budget: the lower of the platform ceiling (0 = no ceiling) and its own
 * (null = none of its own); null when neither applies.
 */
export function effectiveModelBudget(ceiling: number, own: number | null): number | null {
  const limits = [ceiling > 0 ? ceiling : null, own].filter((v): v is number => v !== null);
  return limits.length ? Math.min(...limits) : null;
}

/**
 * Reserves `calls` model calls from the tenant's 30-day budget before they are made.
 * False when the budget is spent: the question then goes to a human instead of the model.
 */
export async function reserveModelCalls(claims: RequestClaims, calls: number): Promise<boolean> {
  const tenantId = claims.app_metadata.tenant_id;
  const own = (await withTenant(claims, (tx) => getTenantSettings(tx))).modelCallBudgetMonthly;
  const budget = effectiveModelBudget(env().TENANT_MODEL_CALLS_PER_MONTH, own);
  if (budget === null) return true;
  if (budget === 0) return false; // humans only
  const verdict = await getRateLimiter().consume(
    [{ key: `budget:model-calls:${tenantId}`, limit: budget, windowSeconds: THIRTY_DAYS, message: "The model budget is spent." }],
    calls,
  );
  return verdict.allowed;
}
