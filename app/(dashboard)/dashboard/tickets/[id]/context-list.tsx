import { z } from "zod";
import { Badge } from "@/components/ui/badge";

// Stored as JSON by the agent; read leniently so an odd entry never breaks the page.
const chunkSchema = z.object({
  title: z.string().catch("Untitled source"),
  url: z.string().nullable().optional().catch(null),
  page: z.number().nullable().optional().catch(null),
  content: z.string().catch(""),
  score: z.number().nullable().optional().catch(null),
  relevant: z.boolean().optional().catch(undefined),
});

function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** The chunks the assistant retrieved, with their source titles; relevant ones first. */
export function ContextList({ context }: { context: unknown[] }) {
  const chunks = context.flatMap((c) => {
    const parsed = chunkSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  if (chunks.length === 0) {
    return <p className="text-sm text-slate-600">Nothing relevant was found in the knowledge base for this question.</p>;
  }
  const ordered = [...chunks].sort((a, b) => Number(b.relevant ?? false) - Number(a.relevant ?? false));
  return (
    <ol className="space-y-3" aria-label="Retrieved chunks">
      {ordered.map((chunk, i) => {
        const href = safeHref(chunk.url);
        return (
          <li key={i} className="rounded-md border border-slate-200 p-3" data-testid="context-chunk">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <p className="min-w-0 text-sm font-semibold text-slate-900">
                {href ? (
                  <a href={href} target="_blank" rel="noreferrer noopener" className="text-indigo-700 hover:underline">
                    {chunk.title}
                  </a>
                ) : (
                  chunk.title
                )}
                {chunk.page ? <span className="ml-1 font-normal text-slate-500">p. {chunk.page}</span> : null}
              </p>
              {chunk.relevant === true ? <Badge tone="green">relevant</Badge> : chunk.relevant === false ? <Badge tone="gray">not used</Badge> : null}
            </div>
            <p className="mt-2 max-h-40 overflow-y-auto whitespace-pre-wrap text-sm text-slate-700" tabIndex={0} aria-label={`Passage from ${chunk.title}`}>
              {chunk.content}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
