import "server-only";
import type { StaffRole } from "@/lib/db/claims";
import type { Tx } from "@/lib/db/tenant";
import { createStaffMember, createTenant } from "@/lib/tenants/provision";

export interface DemoTenant {
  name: string;
  slug: string;
  branding: { color: string; name: string; greeting: string };
  staff: Array<{ email: string; role: StaffRole; displayName: string }>;
  /** Markdown files under lib/tenants/demo-kb/<slug>/ seeded as the knowledge base. */
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    name: "Acme Cloud",
    slug: "acme",
    branding: { color: "#4f46e5", name: "Acme Cloud Support", greeting: "Hi! Ask me anything about Acme Cloud." },
    staff: [
      { email: "owner@acme.test", role: "owner", displayName: "Ada Owner" },
      { email: "agent@acme.test", role: "agent", displayName: "Alan Agent" },
    ],
  },
  {
    name: "Globex Bank",
    slug: "globex",
    branding: { color: "#0f766e", name: "Globex Bank Help", greeting: "Welcome to Globex Bank. How can we help?" },
    staff: [
      { email: "owner@globex.test", role: "owner", displayName: "Grace Owner" },
      { email: "agent@globex.test", role: "agent", displayName: "Gus Agent" },
    ],
  },
];

export interface DemoLogin {
  email: string;
  password: string;
  role: StaffRole;
}

export interface SeededDemoTenant {
  id: string;
  slug: string;
  widgetKey: string;
  created: boolean;
  /** Only for a tenant created now: the one moment its staff passwords are known. */
  logins: DemoLogin[];
}

/**
 * Creates the demo tenants and their staff once, each with a password from
 * `newPassword` (random: a demo must never ship a login anyone on the internet knows).
 */
export async function seedDemoTenants(tx: Tx, newPassword: () => string): Promise<SeededDemoTenant[]> {
  const result: SeededDemoTenant[] = [];
  for (const demo of DEMO_TENANTS) {
    const existing = await tx.query<{ id: string; widget_key: string }>(
      "select id, widget_key from public.tenants where slug = $1",
      [demo.slug],
    );
    if (existing.rows[0]) {
      result.push({ id: existing.rows[0].id, slug: demo.slug, widgetKey: existing.rows[0].widget_key, created: false, logins: [] });
      continue;
    }
    const tenant = await createTenant(tx, { name: demo.name, slug: demo.slug, settings: { branding: demo.branding } });
    const logins: DemoLogin[] = [];
    for (const member of demo.staff) {
      const password = newPassword();
      await createStaffMember(tx, { tenantId: tenant.id, ...member, password });
      logins.push({ email: member.email, password, role: member.role });
    }
    result.push({ id: tenant.id, slug: demo.slug, widgetKey: tenant.widgetKey, created: true, logins });
  }
  return result;
}
