import { Badge } from "@/components/ui/badge";
import { formatPercent } from "./format";

const REASONS: Record<string, string> = {
  low_confidence: "Low confidence",
  no_relevant_context: "Not in the knowledge base",
  model_error: "Model unavailable",
  model_busy: "Model busy",
  retrieval_error: "Search failed",
  unexpected_error: "Unexpected error",
  visitor_request: "Asked for a person",
  unsafe_answer: "Unsafe answer held back",
};

export function reasonLabel(reason: string | null): string | null {
  return reason ? (REASONS[reason] ?? reason.replaceAll("_", " ")) : null;
}

export function ConfidenceBadge({ confidence }: { confidence: number | null }) {
  if (confidence === null) return <Badge tone="gray">No confidence</Badge>;
  const tone = confidence >= 0.7 ? "green" : confidence >= 0.4 ? "amber" : "red";
  return <Badge tone={tone}>Confidence {formatPercent(confidence)}</Badge>;
}

export function StatusBadge({ status }: { status: string }) {
  if (status === "resolved") return <Badge tone="green">Closed</Badge>;
  if (status === "pending_human") return <Badge tone="amber">Waiting for a human</Badge>;
  if (status === "open") return <Badge tone="indigo">With a human</Badge>;
  return <Badge tone="gray">{status}</Badge>;
}
