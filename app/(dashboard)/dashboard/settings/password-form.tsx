"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { changePasswordAction } from "./actions";

/** Change your own password (self-hosted sign-in); other sessions of yours end. */
export function PasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, {});
  return (
    <Card aria-labelledby="password-title">
      <CardHeader id="password-title" title="Your password" description="Changing it signs you out everywhere else." />
      <CardBody>
        <form action={action} className="grid gap-4 md:grid-cols-2" key={state.ok ? state.at : undefined}>
          <Field id="currentPassword" label="Current password">
            {(aria) => <Input {...aria} name="currentPassword" type="password" autoComplete="current-password" required />}
          </Field>
          <Field id="newPassword" label="New password" hint="At least 12 characters.">
            {(aria) => <Input {...aria} name="newPassword" type="password" autoComplete="new-password" minLength={12} required />}
          </Field>
          <div className="flex items-center gap-3 md:col-span-2">
            <Button type="submit" disabled={pending}>
              {pending ? "Changing…" : "Change password"}
            </Button>
            {state.error ? <Notice tone="error">{state.error}</Notice> : null}
            {state.ok ? <Notice tone="success">{state.ok}</Notice> : null}
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
