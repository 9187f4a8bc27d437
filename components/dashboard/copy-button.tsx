"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies text to the clipboard and says so (politely, for screen readers too). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    window.setTimeout(() => setState("idle"), 2500);
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" size="sm" onClick={copy}>
        {state === "copied" ? "Copied" : label}
      </Button>
      <span role="status" className="text-xs text-slate-600">
        {state === "copied" ? "Snippet copied to the clipboard." : state === "failed" ? "Copy failed: select the text and copy it." : ""}
      </span>
    </span>
  );
}
