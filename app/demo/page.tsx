import type { Metadata } from "next";
import Link from "next/link";
import { demoManifestPath, readDemoTenants } from "./demo-manifest";

export const metadata: Metadata = { title: "Demo" };
export const dynamic = "force-dynamic"; // the seeder may write the manifest after the build

export default async function DemoIndexPage() {
  const tenants = await readDemoTenants();
  return (
    <main className="mx-auto max-w-3xl px-4 py-10">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">Try the support platform</h1>
      <p className="mt-2 text-slate-700">
        Each demo company below has its own knowledge base, staff and chat widget. Open a company&apos;s website to chat as a
        customer, and sign in to the <Link href="/sign-in" className="font-medium text-indigo-700 underline">Control Center</Link>{" "}
        as its staff to answer what the AI hands over.
      </p>
      {tenants?.length ? (
        <ul className="mt-8 grid gap-4 sm:grid-cols-2">
          {tenants.map((tenant) => (
            <li key={tenant.id} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
              <h2 className="text-lg font-semibold text-slate-900">{tenant.name}</h2>
              <p className="mt-1 break-all font-mono text-xs text-slate-600">{tenant.widgetKey}</p>
              <div className="mt-4 flex flex-wrap gap-2">
                <Link href={`/demo/${tenant.widgetKey}`} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700">
                  Visit the website
                </Link>
                <Link href={`/w/${tenant.widgetKey}`} className="rounded-md px-3 py-1.5 text-sm font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50">
                  Chat page only
                </Link>
              </div>
              <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-600">Staff sign-in</h3>
              <p className="mt-1 text-xs text-slate-600">
                Passwords are random per installation: <code className="font-mono">npm start</code> prints them on its console.
              </p>
              <ul className="mt-1 space-y-0.5 text-sm text-slate-800">
                {tenant.staff.map((member) => (
                  <li key={member.email}>
                    <span className="font-mono">{member.email}</span> <span className="text-slate-600">({member.role})</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      ) : (
        <div role="status" className="mt-8 rounded-xl bg-amber-50 p-5 text-amber-950 ring-1 ring-amber-200">
          <h2 className="font-semibold">No demo tenants yet</h2>
          <p className="mt-1 text-sm">
            <code className="font-mono">npm start</code> seeds two demo companies on its embedded database and writes{" "}
            <code className="break-all font-mono">{demoManifestPath()}</code>. On your own database, demo tenants are seeded
            only on request: start with <code className="font-mono">SEED_DEMO=true</code> and{" "}
            <code className="font-mono">DATABASE_ADMIN_URL</code> set (so the seeder may provision tenants), or create a tenant
            with <code className="font-mono">npm run tenant:create</code>.
          </p>
        </div>
      )}
    </main>
  );
}
