"use client";

import { useId, useState } from "react";
import { saveEmail, toWidgetError } from "./api";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(email: string): string | null {
  if (!email) return "Enter your email address.";
  if (email.length > 320 || !EMAIL.test(email)) return "Enter a valid email address, like name@example.com.";
  return null;
}

/** Where to send the human answer. Checked here first, then by the server (422). */
export function EmailForm({ token, onSaved }: { token: string; onSaved: (email: string) => void }) {
  const id = useId();
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = email.trim();
    const invalid = validate(value);
    setError(invalid);
    if (invalid) return;
    setSaving(true);
    try {
      await saveEmail(token, value);
      onSaved(value);
    } catch (failure) {
      const known = toWidgetError(failure);
      setError(known.kind === "rejected" ? known.message : "We could not save your email. Please try again.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="mt-2">
      <label htmlFor={`${id}-email`} className="block text-xs font-semibold text-slate-800">
        Your email
      </label>
      <div className="mt-1 flex gap-2">
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          placeholder="name@example.com"
          className="min-w-0 flex-1 rounded-md border border-slate-400 bg-white px-2.5 py-1.5 text-base sm:text-sm text-slate-900 placeholder:text-slate-500 aria-invalid:border-red-600"
        />
        <button type="submit" disabled={saving} className="shrink-0 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
          {saving ? "Saving…" : "Notify me"}
        </button>
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
