import { describe, expect, it } from "vitest";
import { SMALL_TALK_REPLIES } from "@/lib/chat/small-talk";
import { judgeReply } from "./load-replies";
import type { StreamedReply } from "./ui-stream";
import type { Exchange } from "./widget-visitor";

function reply(text: string, status: string | null, fromCache = false, errors: string[] = []): Exchange<StreamedReply> {
  const body: StreamedReply = { text, status, metadata: { fromCache }, sources: [], errors, firstTextMs: 1, firstByteMs: 1, endMs: 2 };
  return { status: 200, ttfbMs: 1, totalMs: 2, body, error: null };
}

const bridge = "I need to check this with an expert. Ticket #3 created.";

describe("judgeReply", () => {
  it("wants an exact repeat's own cached answer, and never another tenant's", () => {
    expect(judgeReply("exact", reply("Cached answer 7 of tenant 1.", "resolved", true), 1, "Cached answer 7 of tenant 1.")).toEqual({ outcome: "cache", error: null });
    expect(judgeReply("exact", reply("Cached answer 8 of tenant 1.", "resolved", true), 1, "Cached answer 7 of tenant 1.").error).toBe("a wrong cached answer");
    expect(judgeReply("exact", reply("Some answer the agent cached.", "resolved", true), 1, "Cached answer 7 of tenant 1.").error).toBe("a wrong cached answer");
    expect(judgeReply("kb", reply("Cached answer 7 of tenant 2.", "resolved", true), 1).error).toBe("another tenant's cached answer");
  });

  it("lets a paraphrase find an answer the agent cached, and counts a miss without calling it an error", () => {
    expect(judgeReply("paraphrase", reply("Acme bills monthly.", "resolved", true), 0, "Cached answer 1 of tenant 0.")).toEqual({ outcome: "cache_other", error: null });
    expect(judgeReply("paraphrase", reply("Acme bills monthly.", "resolved"), 0, "Cached answer 1 of tenant 0.")).toEqual({ outcome: "answered", error: null });
    expect(judgeReply("paraphrase", reply(bridge, "waiting_for_agent"), 0, "Cached answer 1 of tenant 0.")).toEqual({ outcome: "escalated", error: null });
  });

  it("never accepts a seeded answer to an off-topic question", () => {
    expect(judgeReply("off_topic", reply("Cached answer 3 of tenant 0.", "resolved", true), 0).error).toBe("a seeded cached answer to an off-topic question");
    expect(judgeReply("off_topic", reply(bridge, "waiting_for_agent"), 0)).toEqual({ outcome: "escalated", error: null });
  });

  it("wants the small-talk reply for small talk", () => {
    expect(judgeReply("small_talk", reply(SMALL_TALK_REPLIES.greeting, "resolved"), 0)).toEqual({ outcome: "small_talk", error: null });
    expect(judgeReply("small_talk", reply("Acme bills monthly.", "resolved"), 0).error).toBe("not the small-talk reply");
  });

  it("sends follow-ups, and only follow-ups, to the open ticket", () => {
    expect(judgeReply("follow_up", reply("", "waiting_for_agent"), 0)).toEqual({ outcome: "handed_over", error: null });
    expect(judgeReply("follow_up", reply("Acme bills monthly.", "resolved"), 0).error).toBe("a follow-up for the humans got answered");
    expect(judgeReply("kb", reply("", "waiting_for_agent"), 0).error).toBe("went to a ticket, but none was open");
  });

  it("counts failed requests, stream errors and streams that end with nothing as errors", () => {
    expect(judgeReply("kb", { status: 500, ttfbMs: 1, totalMs: 1, body: null, error: "HTTP 500" }, 0).error).toBe("HTTP 500");
    expect(judgeReply("kb", reply("", "resolved", false, ["boom"]), 0).error).toBe("stream error: boom");
    expect(judgeReply("kb", reply("", "answering"), 0).error).toBe("the stream ended without an answer or a hand-over");
  });
});
