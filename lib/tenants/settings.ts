import "server-only";
import { z } from "zod";
import { text } from "@/lib/text";
import { getEmbedder } from "@/lib/ai/embeddings";
import { cacheSettingsFor, storedSimilarityThreshold, withSimilarityThreshold } from "@/lib/cache/settings";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { DEFAULT_BRAND_COLOR, publicBranding, type PublicBranding } from "@/lib/tenants/branding";
import { allowedOriginsOf, embeddingOriginSchema } from "@/lib/tenants/embedding-origins";

export const DEFAULT_CONFIDENCE_THRESHOLD = 0.7;

/**
 * How an answer reaches the visitor: "stream" shows it as it is written once the
 * evidence gate passes (and hands over with the draft if the check after fails);
 * "hold" releases it only after the check (a tenant setting).
 */
export const answerDeliveries = ["stream", "hold"] as const;
export type AnswerDelivery = (typeof answerDeliveries)[number];

const hexColor = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, `Use a colour like ${DEFAULT_BRAND_COLOR} for the brand colour.`);

/** What a staff member may change; every field optional (a patch). */
export const settingsPatchSchema = z
  .object({
    name: text().trim().min(1, "The workspace needs a name.").max(200, "The workspace name is too long (200 characters at most)."),
    confidenceThreshold: z.number().min(0, "The confidence threshold must be between 0 and 1.").max(1, "The confidence threshold must be between 0 and 1."),
    /** For the current embedding model; null goes back to that model's calibrated default. */
    cacheSimilarityThreshold: z
      .number()
      .gt(0, "The cache similarity threshold must be above 0 and at most 1.")
      .max(1, "The cache similarity threshold must be above 0 and at most 1.")
      .nullable(),
    answerDelivery: z.enum(answerDeliveries, { message: 'Answer delivery must be "stream" or "hold".' }),
    cacheTtlDays: z
      .number()
      .int("The cache lifetime must be a whole number of days.")
      .min(1, "The cache lifetime must be 1 to 3650 days.")
      .max(3650, "The cache lifetime must be 1 to 3650 days."),
    /** Sites that may embed the widget (empty: any site). */
    allowedOrigins: z.array(embeddingOriginSchema).max(50, "List at most 50 sites."),
    /** The tenant's own cap on model calls per 30 days; null: only the platform's ceiling. */
    modelCallBudgetMonthly: z
      .number()
      .int("The model budget must be a whole number of calls.")
      .min(0, "The model budget cannot be negative.")
      .max(100_000_000, "The model budget is too large.")
      .nullable(),
    /** Lets agents (not only owners and admins) manage the knowledge base and the answer cache. */
    agentsManageKnowledge: z.boolean(),
    /** Where customers' replies to answer e-mails go (Reply-To); null: no Reply-To. */
    supportEmail: z
      .email("Enter a valid support email address, like help@yourcompany.com.")
      .max(320, "The support email address is too long.")
      .nullable(),
    branding: z
      .object({
        color: hexColor,
        name: text().trim().min(1, "The widget needs a title.").max(80, "The widget title is too long (80 characters at most)."),
        greeting: text().trim().max(300, "The greeting is too long (300 characters at most)."),
      })
      .partial(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export interface TenantSettings {
  tenantId: string;
  name: string;
  widgetKey: string;
  confidenceThreshold: number;
  /** Stream answers as they are written (gated by evidence, checked after) or hold them until checked. */
  answerDelivery: AnswerDelivery;
  /** The stored override for the current embedding model, or null when its default applies. */
  cacheSimilarityThreshold: number | null;
  /** What the cache actually uses now (override or the embedding model's default). */
  effectiveSimilarityThreshold: number;
  cacheTtlDays: number;
  allowedOrigins: string[];
  modelCallBudgetMonthly: number | null;
  agentsManageKnowledge: boolean;
  supportEmail: string | null;
  /** What visitors see, defaults filled in (lib/tenants/branding.ts). */
  branding: PublicBranding;
}

// Stored JSON is read leniently: a bad value falls back to its default instead of
// breaking the Control Center.
const storedSchema = z.object({
  confidence_threshold: z.number().min(0).max(1).optional().catch(undefined),
  answer_delivery: z.enum(answerDeliveries).optional().catch(undefined),
  cache_ttl_days: z.number().int().min(1).max(3650).optional().catch(undefined),
  model_call_budget_monthly: z.number().int().min(0).optional().catch(undefined),
  agents_manage_knowledge: z.boolean().optional().catch(undefined),
  support_email: z.email().optional().catch(undefined),
});

export interface TenantRow {
  id: string;
  name: string;
  widget_key: string;
  settings: Record<string, unknown>;
}

/** The settings of a `public.tenants` row read by the caller (e.g. joined into another query). */
export function tenantSettingsOf(row: TenantRow): TenantSettings {
  const stored = storedSchema.parse(row.settings ?? {});
  const model = getEmbedder().modelId;
  const cache = cacheSettingsFor(row.settings, model);
  return {
    tenantId: row.id,
    name: row.name,
    widgetKey: row.widget_key,
    confidenceThreshold: stored.confidence_threshold ?? DEFAULT_CONFIDENCE_THRESHOLD,
    answerDelivery: stored.answer_delivery ?? "stream",
    cacheSimilarityThreshold: storedSimilarityThreshold(row.settings, model) ?? null,
    effectiveSimilarityThreshold: cache.similarityThreshold,
    cacheTtlDays: cache.ttlDays,
    allowedOrigins: allowedOriginsOf(row.settings),
    modelCallBudgetMonthly: stored.model_call_budget_monthly ?? null,
    agentsManageKnowledge: stored.agents_manage_knowledge ?? false,
    supportEmail: stored.support_email ?? null,
    branding: publicBranding(row),
  };
}

/** The caller's tenant (RLS shows exactly one) with defaults filled in. */
export async function getTenantSettings(tx: Tx): Promise<TenantSettings> {
  const { rows } = await tx.query<TenantRow>(
    "select id, name, widget_key, settings from public.tenants where id = app.current_tenant_id()",
  );
  if (!rows[0]) throw new AppError("not_found", "This workspace no longer exists.");
  return tenantSettingsOf(rows[0]);
}

/**
 * Applies a validated patch. Owners and admins only: checked here with a clear message
 * and again by the tenants_update policy, so an agent's call changes nothing either way.
 */
export async function updateTenantSettings(tx: Tx, patch: SettingsPatch): Promise<TenantSettings> {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue.code === "unrecognized_keys" ? `Unknown setting: ${issue.keys.join(", ")}.` : issue.message;
    throw new AppError("unprocessable", message, parsed.error.issues);
  }
  const input = parsed.data;
  const { rows: roleRows } = await tx.query<{ admin: boolean }>("select app.is_tenant_admin() as admin");
  if (!roleRows[0]?.admin) throw new AppError("forbidden", "Only owners and admins can change settings.");

  const { rows } = await tx.query<TenantRow>(
    "select id, name, widget_key, settings from public.tenants where id = app.current_tenant_id() for update",
  );
  const current = rows[0];
  if (!current) throw new AppError("not_found", "This workspace no longer exists.");

  let settings: Record<string, unknown> = { ...(current.settings ?? {}) };
  if (input.confidenceThreshold !== undefined) settings.confidence_threshold = input.confidenceThreshold;
  if (input.answerDelivery !== undefined) settings.answer_delivery = input.answerDelivery;
  if (input.cacheTtlDays !== undefined) settings.cache_ttl_days = input.cacheTtlDays;
  if (input.cacheSimilarityThreshold !== undefined) {
    settings = withSimilarityThreshold(settings, getEmbedder().modelId, input.cacheSimilarityThreshold);
  }
  if (input.allowedOrigins !== undefined) settings.allowed_origins = [...new Set(input.allowedOrigins)];
  if (input.modelCallBudgetMonthly === null) delete settings.model_call_budget_monthly;
  else if (input.modelCallBudgetMonthly !== undefined) settings.model_call_budget_monthly = input.modelCallBudgetMonthly;
  if (input.agentsManageKnowledge !== undefined) settings.agents_manage_knowledge = input.agentsManageKnowledge;
  if (input.supportEmail === null) delete settings.support_email;
  else if (input.supportEmail !== undefined) settings.support_email = input.supportEmail;
  if (input.branding) {
    const previous = (settings.branding ?? {}) as Record<string, unknown>;
    settings.branding = { ...previous, ...input.branding };
  }

  const updated = await tx.query<TenantRow>(
    `update public.tenants set name = $1, settings = $2::jsonb, updated_at = now()
     where id = app.current_tenant_id() returning id, name, widget_key, settings`,
    [input.name ?? current.name, JSON.stringify(settings)],
  );
  if (!updated.rows[0]) throw new AppError("forbidden", "Only owners and admins can change settings.");
  await tx.query(
    "insert into public.audit_log (tenant_id, actor_id, action, details) values (app.current_tenant_id(), auth.uid(), 'settings.update', $1)",
    [JSON.stringify({ fields: Object.keys(input) })],
  );
  return tenantSettingsOf(updated.rows[0]);
}
