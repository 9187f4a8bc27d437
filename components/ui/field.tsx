import type { ComponentProps, ReactNode } from "react";

const control =
  "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 disabled:bg-slate-100 disabled:text-slate-500 aria-[invalid=true]:border-red-500";

/** Full width unless the caller sets a width of its own (class order cannot decide that). */
function classes(className: string): string {
  return `${control} ${/(^|\s)w-/.test(className) ? "" : "w-full"} ${className}`;
}

export function Input({ className = "", ...props }: ComponentProps<"input">) {
  return <input className={classes(className)} {...props} />;
}

export function Textarea({ className = "", ...props }: ComponentProps<"textarea">) {
  return <textarea className={classes(className)} {...props} />;
}

export function Select({ className = "", ...props }: ComponentProps<"select">) {
  return <select className={classes(className)} {...props} />;
}

/**
 * A label, the control, a hint and an error, wired together: the control (given as a
 * render function) receives the ids for aria-describedby and aria-invalid.
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: (aria: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
