"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { waitingAction } from "./live-actions";
import { DashboardNav, type NavItem } from "@/components/dashboard/nav";

const POLL_MS = 8_000;
const TITLE_PREFIX = /^\(\d+\) /;

interface Waiting {
  waiting: number;
  newest: { id: string; number: number } | null;
}

/**
 * The navigation with the waiting count, kept current while any Control Center page is
 * open: the count also leads the tab title ("(3) Inbox · …"), and a conversation that
 * starts waiting while the page is open is announced.
 */
export function LiveNav({ items, initial }: { items: NavItem[]; initial: Waiting }) {
  const [state, setState] = useState(initial);
  const [announced, setAnnounced] = useState<{ id: string; number: number } | null>(null);
  const known = useRef(initial.newest?.id ?? null);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "visible") return;
      waitingAction()
        .then((next) => {
          setState(next);
          if (next.newest && next.newest.id !== known.current) setAnnounced(next.newest);
          known.current = next.newest?.id ?? null;
        })
        .catch(() => undefined); // the next beat tries again
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    const base = document.title.replace(TITLE_PREFIX, "");
    document.title = state.waiting > 0 ? `(${state.waiting}) ${base}` : base;
  });

  return (
    <>
      <DashboardNav items={items.map((item) => (item.href === "/dashboard" ? { ...item, badge: state.waiting } : item))} />
      {announced ? (
        <div role="status" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="new-ticket-signal">
          New conversation waiting:{" "}
          <Link className="font-semibold underline" href={`/dashboard/tickets/${announced.id}`} onClick={() => setAnnounced(null)}>
            Ticket #{announced.number}
          </Link>
        </div>
      ) : null}
    </>
  );
}
