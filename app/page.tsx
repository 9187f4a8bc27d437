import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

const STEPS = [
  {
    title: "Answers from your knowledge base",
    text: "Upload PDFs, Markdown, HTML or web pages. The assistant answers from them, streams the reply and cites its sources.",
  },
  {
    title: "Hands over instead of guessing",
    text: "When it is not confident, the customer gets a ticket number and an email promise, and your team gets the question with a draft answer.",
  },
  {
    title: "Learns from every human answer",
    text: "Approved answers reach the open chat live, go out by email, and are cached: the next person asking gets them instantly, with no model call.",
  },
];

export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-5xl flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold uppercase tracking-wide text-indigo-700">Support Platform</p>
      <h1 className="mt-2 max-w-3xl text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
        AI customer support that never leaves a customer hanging.
      </h1>
      <p className="mt-4 max-w-2xl text-lg text-slate-600">
        One snippet adds a chat widget to your site. Your team works in the Control Center: tickets, knowledge base, answer
        cache, settings and analytics. Every company&apos;s data stays its own.
      </p>
      <div className="mt-8 flex flex-wrap gap-3">
        <Link href="/sign-in" className={buttonClasses("primary", "md", "px-5 py-2.5 text-base")}>
          Sign in to the Control Center
        </Link>
        <Link href="/demo" className={buttonClasses("secondary", "md", "px-5 py-2.5 text-base")}>
          Try the demo widget
        </Link>
      </div>
      <ol className="mt-14 grid gap-6 sm:grid-cols-3">
        {STEPS.map((step, i) => (
          <li key={step.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <p className="text-sm font-semibold text-indigo-700">{i + 1}</p>
            <h2 className="mt-1 font-semibold text-slate-900">{step.title}</h2>
            <p className="mt-2 text-sm text-slate-600">{step.text}</p>
          </li>
        ))}
      </ol>
    </main>
  );
}
