import type { Metadata } from "next";
import { headers } from "next/headers";
import { CopyButton } from "@/components/dashboard/copy-button";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { appOrigin } from "@/lib/app-origin";
import { identitySecretFor } from "@/lib/chat/identity";
import { getTenantSettings } from "@/lib/tenants/settings";
import { listStaff } from "@/lib/tenants/staff";
import { canManage, currentStaff } from "../_lib/session";
import { PasswordForm } from "./password-form";
import { SettingsForm } from "./settings-form";
import { StaffManager } from "./staff-manager";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const staff = await currentStaff();
  const { settings, members } = await withTenant(staff.claims, async (tx) => ({
    settings: await getTenantSettings(tx),
    members: await listStaff(tx),
  }));
  const editable = canManage(staff);
  const snippet = `<script src="${appOrigin(await headers())}/widget.js" data-key="${settings.widgetKey}" async></script>`;

  return (
    <>
      <PageHeader title="Settings" description="How the assistant answers, how the widget looks, and who works here." />
      {editable ? null : (
        <Notice tone="info" className="mb-6" title="Read-only">
          Only owners and admins can change settings. You are signed in as an agent.
        </Notice>
      )}
      <div className="space-y-6">
        <Card aria-labelledby="snippet-title">
          <CardHeader
            id="snippet-title"
            title="Widget snippet"
            description="Paste this into any page of your site, just before </body>, to add the chat launcher. It points at APP_URL when that is set, else at the address you opened the Control Center with."
            action={<CopyButton text={snippet} label="Copy snippet" />}
          />
          <CardBody>
            <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="widget-snippet">
              <code>{snippet}</code>
            </pre>
          </CardBody>
        </Card>

        {editable ? (
          <Card aria-labelledby="identity-title">
            <CardHeader
              id="identity-title"
              title="Identity verification (optional)"
              description="Lets signed-in customers of your site see their conversation on any device. Your server signs each user id; unsigned or wrongly signed ids are refused."
              action={<CopyButton text={identitySecretFor(settings.tenantId)} label="Copy secret" />}
            />
            <CardBody>
              <p className="mb-2 text-sm text-slate-700">
                Compute <code>HMAC-SHA256(user id, secret)</code> as hex on your server (never in the browser), then add{" "}
                <code>data-user-id</code> and <code>data-user-hash</code> to the snippet:
              </p>
              <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
                <code>{snippet.replace(" async>", ' data-user-id="USER_ID" data-user-hash="HMAC_HEX" async>')}</code>
              </pre>
              <p className="mt-2 text-xs text-slate-500">Keep the secret on your server, like a password.</p>
            </CardBody>
          </Card>
        ) : null}

        <SettingsForm settings={settings} editable={editable} />

        <StaffManager
          members={members.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() }))}
          me={{ id: staff.userId, role: staff.role }}
          canInvite={editable && env().AUTH_MODE === "local"}
        />

        {env().AUTH_MODE === "local" ? <PasswordForm /> : null}
      </div>
    </>
  );
}
