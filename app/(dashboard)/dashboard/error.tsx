"use client";

import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";

/** An unexpected failure while rendering a Control Center page: say so and offer a retry. */
export default function DashboardError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Notice tone="error" title="This page could not be loaded">
      <p>Something went wrong on our side. Your data is safe; try again in a moment.</p>
      <Button variant="secondary" size="sm" className="mt-2" onClick={reset}>
        Try again
      </Button>
    </Notice>
  );
}
