"use client";

import { startTransition, useActionState, useEffect, useRef, useState, useTransition } from "react";
import { ConfirmButton } from "@/components/dashboard/confirm-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { StaffRole } from "@/lib/db/claims";
import { changeRoleAction, inviteStaffAction, removeStaffAction } from "./actions";

interface Member {
  id: string;
  email: string;
  displayName: string | null;
  role: StaffRole;
  createdAt: string;
}


function assignableRoles(myRole: StaffRole): StaffRole[] {
  return myRole === "owner" ? ["owner", "admin", "agent"] : ["admin", "agent"];
}

export function StaffManager({ members, me, canInvite }: { members: Member[]; me: { id: string; role: StaffRole }; canInvite: boolean }) {
  const manager = me.role === "owner" || me.role === "admin";
  const [result, setResult] = useState<{ ok?: string; error?: string }>({});
  const [pending, startRowTransition] = useTransition();

  function run(task: () => Promise<{ ok?: string; error?: string }>) {
    startRowTransition(async () => setResult(await task()));
  }

  return (
    <Card aria-labelledby="staff-title">
      <CardHeader id="staff-title" title="Staff" description="Everyone who can sign in to this Control Center." />
      <CardBody className="space-y-4">
        <ul className="divide-y divide-slate-100" aria-label="Staff members">
          {members.map((member) => {
            const editable = manager && (me.role === "owner" || member.role !== "owner");
            return (
              <li key={member.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="staff-row">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">
                    {member.displayName ?? member.email}
                    {member.id === me.id ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
                  </p>
                  <p className="truncate text-xs text-slate-500">{member.email}</p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  {editable ? (
                    <>
                      <label htmlFor={`role-${member.id}`} className="sr-only">
                        Role of {member.email}
                      </label>
                      <Select
                        id={`role-${member.id}`}
                        className="w-32"
                        value={member.role}
                        disabled={pending}
                        onChange={(event) => {
                          const role = event.target.value as StaffRole;
                          run(() => changeRoleAction(member.id, role));
                        }}
                      >
                        {assignableRoles(me.role).map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </Select>
                      {member.id !== me.id ? (
                        <ConfirmButton
                          label="Remove"
                          question={`Remove ${member.email}?`}
                          confirmLabel="Remove"
                          pending={pending}
                          onConfirm={() => run(() => removeStaffAction(member.id))}
                        />
                      ) : null}
                    </>
                  ) : (
                    <Badge tone={member.role === "agent" ? "gray" : "indigo"}>{member.role}</Badge>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
        {result.error ? <Notice tone="error">{result.error}</Notice> : null}
        {result.ok ? <Notice tone="success">{result.ok}</Notice> : null}
        {canInvite ? <InviteForm roles={assignableRoles(me.role)} /> : null}
        {manager && !canInvite ? (
          <Notice tone="info">With Supabase Auth, create accounts in Supabase; they appear here after their first sign-in.</Notice>
        ) : null}
      </CardBody>
    </Card>
  );
}

function InviteForm({ roles }: { roles: StaffRole[] }) {
  const [state, action, pending] = useActionState(inviteStaffAction, {});
  const formRef = useRef<HTMLFormElement>(null);
  // Clear the form after a successful invite only; on an error the input stays to fix.
  useEffect(() => {
    if (state.ok) formRef.current?.reset();
  }, [state.ok, state.at]);
  return (
    <form
      ref={formRef}
      noValidate
      aria-labelledby="invite-title"
      className="rounded-md border border-slate-200 bg-slate-50 p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
    >
      <h3 id="invite-title" className="mb-3 text-sm font-semibold text-slate-900">
        Invite a colleague
      </h3>
      <fieldset disabled={pending} className="grid gap-4 md:grid-cols-2">
        <legend className="sr-only">New staff member</legend>
        <Field id="invite-email" label="Email">
          {(aria) => <Input {...aria} name="email" type="email" required autoComplete="off" />}
        </Field>
        <Field id="invite-name" label="Name (optional)">
          {(aria) => <Input {...aria} name="displayName" autoComplete="off" />}
        </Field>
        <Field id="invite-role" label="Role" hint="Agents answer tickets. Admins also manage settings, knowledge and staff. Owners also manage owners.">
          {(aria) => (
            <Select {...aria} name="role" defaultValue="agent">
              {roles.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="invite-password" label="Initial password" hint="At least 12 characters; share it with them securely.">
          {(aria) => <Input {...aria} name="password" type="password" required minLength={12} autoComplete="new-password" />}
        </Field>
      </fieldset>
      {state.error ? <Notice tone="error" className="mt-3">{state.error}</Notice> : null}
      {state.ok ? <Notice tone="success" className="mt-3">{state.ok}</Notice> : null}
      <Button type="submit" className="mt-4" disabled={pending}>
        {pending ? "Inviting…" : "Invite"}
      </Button>
    </form>
  );
}
