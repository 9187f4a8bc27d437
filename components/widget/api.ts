import { APICallError } from "ai";
import type {
  EmailRequest,
  HandoverRequest,
  HandoverResponse,
  HistoryResponse,
  RateRequest,
  Rating,
  SessionRequest,
} from "@/lib/chat/protocol";

export type ErrorKind = "network" | "rate_limited" | "server" | "rejected" | "not_found" | "timeout";

/** A failure the widget can name to the visitor, with the server's safe message if any. */
export class WidgetError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "WidgetError";
  }
}

export interface SessionResponse {
  token: string;
  conversationId: string;
  tenant: { name: string; branding?: { color?: string; name?: string; greeting?: string } };
}

function messageFromBody(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}

function errorForStatus(status: number, body: string): WidgetError {
  const serverMessage = messageFromBody(body);
  if (status === 429) return new WidgetError("rate_limited", serverMessage ?? "Too many messages.", status);
  if (status === 404) return new WidgetError("not_found", serverMessage ?? "Not found.", status);
  if (status >= 500) return new WidgetError("server", serverMessage ?? "Server error.", status);
  return new WidgetError("rejected", serverMessage ?? "The request was refused.", status);
}

/** Maps whatever fetch, useChat or the stream threw to something the visitor can act on. */
export function toWidgetError(error: unknown): WidgetError {
  if (error instanceof WidgetError) return error;
  if (APICallError.isInstance(error) && error.statusCode) return errorForStatus(error.statusCode, error.responseBody ?? "");
  if (typeof navigator !== "undefined" && !navigator.onLine) return new WidgetError("network", "You are offline.");
  // fetch rejects with a TypeError when the network is gone ("Failed to fetch", "Load failed").
  if (error instanceof TypeError) return new WidgetError("network", error.message);
  return new WidgetError("server", error instanceof Error ? error.message : String(error));
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init.headers } });
  } catch (error) {
    throw toWidgetError(error);
  }
  const body = await response.text();
  if (!response.ok) throw errorForStatus(response.status, body);
  return (body ? JSON.parse(body) : {}) as T;
}

export function createSession(
  widgetKey: string,
  token?: string,
  identity?: { userId: string; userHash: string },
): Promise<SessionResponse> {
  const body: SessionRequest = { widgetKey, token, identity };
  return request<SessionResponse>("/chat/session", { method: "POST", body: JSON.stringify(body) });
}

export async function fetchHistory(token: string): Promise<Omit<HistoryResponse, "conversationId">> {
  const body = await request<Partial<HistoryResponse>>("/chat/history", {
    method: "GET",
    headers: { authorization: `Bearer ${token}` },
    cache: "no-store",
  });
  return { messages: body.messages ?? [], email: body.email ?? null, tickets: body.tickets ?? [], ratings: body.ratings ?? {} };
}

/** "Talk to a person": the conversation's ticket, and the hand-over message if one was just opened. */
export function requestHandover(token: string): Promise<HandoverResponse> {
  const body: HandoverRequest = { token };
  return request("/chat/handover", { method: "POST", body: JSON.stringify(body) });
}

export async function rateAnswer(token: string, messageId: string, rating: Rating): Promise<void> {
  const body: RateRequest = { token, messageId, rating };
  await request("/chat/rate", { method: "POST", body: JSON.stringify(body) });
}

export async function saveEmail(token: string, email: string): Promise<void> {
  const body: EmailRequest = { token, email };
  await request("/chat/email", { method: "POST", body: JSON.stringify(body) });
}
