import type { Metadata } from "next";
import Link from "next/link";
import { LiveNav } from "./_lib/live-nav";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { withTenant } from "@/lib/db/tenant";
import { getTenantSettings } from "@/lib/tenants/settings";
import { waitingSummary } from "@/lib/tickets/presence";
import { currentStaff } from "./_lib/session";
import { signOutAction } from "./actions";

export const metadata: Metadata = { title: { default: "Control Center", template: "%s · Control Center" } };

const NAV = [
  { href: "/dashboard", label: "Inbox" },
  { href: "/dashboard/knowledge", label: "Knowledge base" },
  { href: "/dashboard/cache", label: "Answer cache" },
  { href: "/dashboard/analytics", label: "Analytics" },
  { href: "/dashboard/settings", label: "Settings" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const staff = await currentStaff();
  const { tenant, waiting } = await withTenant(staff.claims, async (tx) => ({
    tenant: await getTenantSettings(tx),
    waiting: await waitingSummary(tx),
  }));
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex min-w-0 items-center gap-3">
            <span aria-hidden className="h-8 w-8 shrink-0 rounded-lg" style={{ background: tenant.branding.color }} />
            <div className="min-w-0">
              <Link href="/dashboard" className="block truncate text-base font-semibold text-slate-900" data-testid="tenant-name">
                {tenant.name}
              </Link>
              <p className="text-xs text-slate-500">Control Center</p>
            </div>
          </div>
          <div className="flex items-center gap-3">
            <div className="hidden text-right sm:block">
              <p className="text-sm font-medium text-slate-900" data-testid="staff-name">
                {staff.displayName ?? staff.email}
              </p>
              <p className="text-xs text-slate-500">{staff.email}</p>
            </div>
            <Badge tone={staff.role === "agent" ? "gray" : "indigo"}>{staff.role}</Badge>
            <form action={signOutAction}>
              <Button type="submit" variant="secondary" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-4 md:flex-row md:gap-8 md:py-8">
        <aside className="md:w-52 md:shrink-0">
          <LiveNav items={NAV} initial={waiting} />
        </aside>
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
