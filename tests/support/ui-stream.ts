import type { UIMessageChunk } from "ai";

/** Reads an AI SDK UI message stream response (SSE) into its chunks. */
export async function readUiStream(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as UIMessageChunk);
}

export function statusesOf(chunks: UIMessageChunk[]): string[] {
  return chunks.flatMap((c) => (c.type === "data-status" ? [(c.data as { status: string }).status] : []));
}

export function textOf(chunks: UIMessageChunk[]): string {
  return chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
}

/** The message metadata, merged in stream order as useChat does. */
export function metadataOf(chunks: UIMessageChunk[]): Record<string, unknown> {
  return Object.assign(
    {},
    ...chunks.flatMap((c) =>
      (c.type === "start" || c.type === "finish" || c.type === "message-metadata") && c.messageMetadata ? [c.messageMetadata] : [],
    ),
  );
}
