"use client";

import { startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { readableTextOn } from "@/components/widget/branding";
import type { TenantSettings } from "@/lib/tenants/settings";
import { updateSettingsAction } from "./actions";

export function SettingsForm({ settings, editable }: { settings: TenantSettings; editable: boolean }) {
  const [state, action, pending] = useActionState(updateSettingsAction, {});
  const [color, setColor] = useState(settings.branding.color);
  const [brandName, setBrandName] = useState(settings.branding.name);
  const [greeting, setGreeting] = useState(settings.branding.greeting);

  return (
    <Card aria-labelledby="settings-title">
      <CardHeader id="settings-title" title="Assistant and branding" />
      <CardBody>
        <form
          noValidate
          className="space-y-6"
          onSubmit={(event) => {
            // Submitted by hand so React does not reset the fields (and lose edits) on an error.
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            startTransition(() => action(data));
          }}
        >
          <fieldset disabled={!editable || pending} className="grid gap-5 md:grid-cols-2">
            <legend className="sr-only">Assistant and branding settings</legend>
            <Field id="name" label="Workspace name">
              {(aria) => <Input {...aria} name="name" defaultValue={settings.name} required maxLength={200} />}
            </Field>
            <Field
              id="confidenceThreshold"
              label="Confidence threshold"
              hint="Answers the AI rates below this (0–1) go to a human instead of the customer."
            >
              {(aria) => (
                <Input {...aria} name="confidenceThreshold" type="number" min={0} max={1} step={0.01} defaultValue={settings.confidenceThreshold} required />
              )}
            </Field>
            <Field
              id="answerDelivery"
              label="Answer delivery"
              hint="Stream: customers watch the answer being written when the evidence is strong; if the check after it fails, a colleague is asked to confirm it. Hold: answers appear only after they pass the check."
            >
              {(aria) => (
                <Select {...aria} name="answerDelivery" defaultValue={settings.answerDelivery}>
                  <option value="stream">Stream as it is written</option>
                  <option value="hold">Hold until checked</option>
                </Select>
              )}
            </Field>
            <Field
              id="cacheSimilarityThreshold"
              label="Cache similarity threshold"
              hint={`How close (0–1) a new question must be to a cached one to reuse its answer. Leave empty for the embedding model's default (${settings.effectiveSimilarityThreshold.toFixed(2)} now).`}
            >
              {(aria) => (
                <Input
                  {...aria}
                  name="cacheSimilarityThreshold"
                  type="number"
                  min={0.01}
                  max={1}
                  step={0.01}
                  placeholder={`Default (${settings.effectiveSimilarityThreshold.toFixed(2)})`}
                  defaultValue={settings.cacheSimilarityThreshold ?? ""}
                />
              )}
            </Field>
            <Field id="cacheTtlDays" label="Cache lifetime (days)" hint="How long a cached answer is reused before it expires.">
              {(aria) => <Input {...aria} name="cacheTtlDays" type="number" min={1} max={3650} step={1} defaultValue={settings.cacheTtlDays} required />}
            </Field>
            <Field id="brandColor" label="Brand colour" hint="The widget's launcher and header colour.">
              {(aria) => (
                <div className="flex items-center gap-3">
                  <Input {...aria} name="brandColor" type="color" value={color} onChange={(e) => setColor(e.target.value)} className="h-10 w-16 p-1" />
                  <span className="font-mono text-sm text-slate-700">{color}</span>
                </div>
              )}
            </Field>
            <Field id="brandName" label="Widget title">
              {(aria) => <Input {...aria} name="brandName" value={brandName} onChange={(e) => setBrandName(e.target.value)} required maxLength={80} />}
            </Field>
            <Field
              id="supportEmail"
              label="Support email address"
              hint="Answer e-mails come from your workspace's name; customers' replies to them go to this address."
            >
              {(aria) => <Input {...aria} name="supportEmail" type="email" defaultValue={settings.supportEmail ?? ""} maxLength={320} placeholder="help@yourcompany.com" />}
            </Field>
            <label className="flex items-start gap-2 text-sm text-slate-700 md:col-span-2">
              <input
                type="checkbox"
                name="agentsManageKnowledge"
                defaultChecked={settings.agentsManageKnowledge}
                className="mt-0.5 h-4 w-4 rounded border-slate-300"
              />
              <span>
                Agents may manage knowledge and cached answers
                <span className="block text-xs text-slate-500">
                  Off: only owners and admins upload or delete documents and edit or delete cached answers. Agents can always
                  use them, and save a reviewed answer when they resolve a ticket.
                </span>
              </span>
            </label>
            <div className="md:col-span-2">
              <Field
                id="allowedOrigins"
                label="Sites allowed to embed the widget"
                hint="One origin per line, like https://www.example.com. Empty: any site may embed it."
              >
                {(aria) => <Textarea {...aria} name="allowedOrigins" rows={2} defaultValue={settings.allowedOrigins.join("\n")} />}
              </Field>
            </div>
            <Field
              id="modelCallBudgetMonthly"
              label="Model calls per 30 days"
              hint="When used up, questions the cache cannot answer go to your team. Empty: no budget of your own."
            >
              {(aria) => (
                <Input {...aria} name="modelCallBudgetMonthly" type="number" min={0} step={1} defaultValue={settings.modelCallBudgetMonthly ?? ""} />
              )}
            </Field>
            <div className="md:col-span-2">
              <Field id="greeting" label="Greeting" hint="The first thing visitors read when they open the chat.">
                {(aria) => <Textarea {...aria} name="greeting" rows={2} value={greeting} onChange={(e) => setGreeting(e.target.value)} maxLength={300} />}
              </Field>
            </div>
          </fieldset>

          <div aria-label="Widget preview" className="max-w-sm overflow-hidden rounded-lg border border-slate-200">
            <div className="px-4 py-3 text-sm font-semibold" style={{ background: color, color: readableTextOn(color) }}>
              {brandName || settings.name}
            </div>
            <p className="bg-white px-4 py-3 text-sm text-slate-700">{greeting}</p>
          </div>

          {state.error ? <Notice tone="error">{state.error}</Notice> : null}
          {state.ok ? <Notice tone="success">{state.ok}</Notice> : null}
          {editable ? (
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save settings"}
            </Button>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}
