"use client";

import { useEffect, useRef, useState } from "react";
import { Button, type ButtonVariant } from "@/components/ui/button";

/**
 * A destructive action in two steps, inline (no modal to trap focus in): the first click
 * asks, the second confirms. Escape or "Cancel" backs out; focus moves to the question.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  pending = false,
  variant = "danger",
  disabled = false,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  variant?: ButtonVariant;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <Button variant={variant === "danger" ? "secondary" : variant} size="sm" onClick={() => setAsking(true)} disabled={disabled || pending}>
        {pending ? "Working…" : label}
      </Button>
    );
  }
  return (
    <span
      role="group"
      aria-label={question}
      className="inline-flex flex-wrap items-center gap-2 rounded-md bg-red-50 px-2 py-1"
      onKeyDown={(event) => {
        if (event.key === "Escape") setAsking(false);
      }}
    >
      <span className="text-sm text-red-900">{question}</span>
      <Button
        ref={confirmRef}
        variant="danger"
        size="sm"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}
