"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the current server page every few seconds (new tickets, changing ages)
 * while the tab is visible; a hidden tab does not poll. A form marked `data-dirty` (a
 * reply being written) pauses it, so a colleague closing the ticket meanwhile cannot
 * swap the form away under the writer: their send gets the readable conflict instead.
 */
export function AutoRefresh({ seconds = 5 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible" && !document.querySelector("form[data-dirty]")) router.refresh();
    }, seconds * 1000);
    return () => window.clearInterval(timer);
  }, [router, seconds]);
  return null;
}
