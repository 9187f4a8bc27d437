import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { appOrigin } from "@/lib/app-origin";
import { readDemoTenants } from "../demo-manifest";
import { demoSiteFor } from "./site-content";

type Params = { params: Promise<{ key: string }> };

const KEY_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { key } = await params;
  const tenant = (await readDemoTenants())?.find((t) => t.widgetKey === key);
  const site = demoSiteFor(tenant?.slug, tenant?.name);
  return { title: { absolute: `${site.brand} — ${site.heading}` } };
}

/**
 * A stand-in for a customer's website. It embeds the widget exactly as a customer
 * would, with the public snippet, so the demo and the browser tests exercise widget.js.
 */
export default async function DemoSitePage({ params }: Params) {
  const { key } = await params;
  if (!KEY_SHAPE.test(key)) notFound();
  const [tenants, requestHeaders] = await Promise.all([readDemoTenants(), headers()]);
  const tenant = tenants?.find((t) => t.widgetKey === key);
  const site = demoSiteFor(tenant?.slug, tenant?.name);
  const scriptSrc = `${appOrigin(requestHeaders)}/widget.js`;
  const snippet = `<script src="${scriptSrc}" data-key="${key}" async></script>`;

  return (
    <div className="min-h-screen bg-white text-slate-900">
      <header className="border-b border-slate-200">
        <nav aria-label="Site" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-4">
          <span className="text-lg font-bold" style={{ color: site.accent }}>
            {site.brand}
          </span>
          <ul className="flex flex-wrap gap-4 text-sm text-slate-700">
            {site.nav.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-12">
        <p className="text-sm font-semibold uppercase tracking-wide" style={{ color: site.accent }}>
          {site.tagline}
        </p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight">{site.heading}</h1>
        <p className="mt-3 max-w-2xl text-lg text-slate-700">{site.intro}</p>
        {site.plans.length ? (
          <ul className="mt-10 grid gap-6 md:grid-cols-3">
            {site.plans.map((plan) => (
              <li key={plan.name} className="rounded-2xl p-6 ring-1 ring-slate-200">
                <h2 className="text-lg font-semibold">{plan.name}</h2>
                <p className="mt-2 text-2xl font-bold">{plan.price}</p>
                <ul className="mt-4 space-y-1 text-sm text-slate-700">
                  {plan.features.map((feature) => (
                    <li key={feature}>✓ {feature}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : null}
        <section aria-labelledby="help" className="mt-12 rounded-2xl bg-slate-50 p-6 ring-1 ring-slate-200">
          <h2 id="help" className="text-lg font-semibold">
            Questions? Ask our assistant
          </h2>
          <p className="mt-1 text-sm text-slate-700">Use the chat button at the bottom right. Try:</p>
          <ul className="mt-2 list-disc pl-5 text-sm text-slate-800">
            {site.tryAsking.map((question) => (
              <li key={question}>{question}</li>
            ))}
          </ul>
        </section>
      </main>
      <footer className="border-t border-slate-200 bg-slate-50">
        <div className="mx-auto max-w-5xl px-4 py-6 text-sm text-slate-700">
          <p>This demo page embeds the chat with the same snippet a customer pastes into their site:</p>
          <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">
            <code>{snippet}</code>
          </pre>
        </div>
      </footer>
      <script src={scriptSrc} data-key={key} async />
    </div>
  );
}
