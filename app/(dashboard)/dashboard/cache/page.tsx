import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { canManageKnowledge } from "@/lib/auth/permissions";
import { listCacheEntries } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { currentStaff } from "../_lib/session";
import { CacheEntryItem } from "./cache-entry-item";

export const metadata: Metadata = { title: "Answer cache" };

const PAGE_SIZE = 25;

export default async function CachePage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const staff = await currentStaff();
  const page = Math.max(1, Math.floor(Number((await searchParams).page) || 1));
  const { entries, total, editable } = await withTenant(staff.claims, async (tx) => ({
    ...(await listCacheEntries(tx, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })),
    editable: await canManageKnowledge(tx),
  }));
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const now = new Date().toISOString();

  return (
    <>
      <PageHeader
        title="Answer cache"
        description={`${total} cached ${total === 1 ? "answer" : "answers"}. A new question close enough to one of these gets its answer instantly, with no model call.${editable ? "" : " Only owners and admins can edit or delete them."}`}
      />
      {entries.length === 0 ? (
        <EmptyState title="Nothing cached yet">
          Confident AI answers and every answer your team approves are stored here and reused for similar questions.
        </EmptyState>
      ) : (
        <ul className="space-y-3" aria-label="Cached answers">
          {entries.map((entry) => (
            <CacheEntryItem key={entry.id} entry={entry} now={now} editable={editable} />
          ))}
        </ul>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm text-slate-600">
          {page > 1 ? (
            <Link className={buttonClasses("secondary", "sm")} href={`/dashboard/cache?page=${page - 1}`}>
              Previous
            </Link>
          ) : (
            <span />
          )}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link className={buttonClasses("secondary", "sm")} href={`/dashboard/cache?page=${page + 1}`}>
              Next
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}
