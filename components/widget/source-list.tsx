import type { ChatCitation, ChatUIMessage } from "@/lib/chat/protocol";
import { DocumentIcon } from "./icons";

/** Links only to web pages or to this app: never javascript: or data: URLs. */
function safeHref(url: string | null): string | undefined {
  if (!url) return undefined;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function citationsOf(message: ChatUIMessage): ChatCitation[] {
  const seen = new Set<string>();
  const citations: ChatCitation[] = [];
  const add = (citation: ChatCitation) => {
    const id = `${citation.title}|${citation.url ?? ""}`;
    if (seen.has(id)) return;
    seen.add(id);
    citations.push(citation);
  };
  for (const part of message.parts) {
    if (part.type === "source-url") add({ title: part.title || part.url, url: part.url });
    if (part.type === "source-document") add({ title: part.title || part.filename || "Document", url: null });
  }
  for (const citation of message.metadata?.citations ?? []) add(citation);
  return citations;
}

export function SourceList({ citations }: { citations: ChatCitation[] }) {
  if (!citations.length) return null;
  return (
    <div className="mt-2 border-t border-slate-200 pt-2" data-testid="sources">
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">Sources</p>
      <ul className="mt-1 space-y-1">
        {citations.map((citation) => {
          const href = safeHref(citation.url);
          return (
            <li key={`${citation.title}|${citation.url}`} className="flex items-start gap-1.5 text-xs">
              <DocumentIcon className="mt-0.5 h-3.5 w-3.5 shrink-0 text-slate-500" />
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer" className="text-slate-800 underline decoration-slate-400 underline-offset-2 hover:decoration-slate-800">
                  {citation.title}
                </a>
              ) : (
                <span className="text-slate-800">{citation.title}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
