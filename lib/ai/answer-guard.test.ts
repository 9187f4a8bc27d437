import { describe, expect, it } from "vitest";
import { checkAnswer, describeFindings, findContacts, findPromptLeaks } from "./answer-guard";
import { createAnswerStreamGuard } from "./answer-stream-guard";

const PASSAGE =
  "Download invoices from https://billing.acme.example/invoices/ or write to billing@acme.example. " +
  "Our hotline is +1 (555) 010-0199, Monday to Friday. See also www.acme.example/help.";
const context = { passages: [PASSAGE], urls: ["https://help.acme.example/billing"] };

describe("findContacts", () => {
  it("finds links (with or without a scheme), e-mail addresses and phone numbers with normalised keys", () => {
    const found = findContacts(
      "Go to [the portal](HTTPS://Evil.Example/Reset?id=1). Or www.evil.example, or evil.example/login, mail X.Y@Evil.Example or call 0044 20 7946 0958.",
    );
    expect(found.map((c) => [c.kind, c.key])).toEqual([
      ["link", "evil.example/reset?id=1"],
      ["link", "evil.example"],
      ["link", "evil.example/login"],
      ["email", "x.y@evil.example"],
      ["phone", "00442079460958"],
    ]);
  });

  it("reads addresses spelled out to dodge filters", () => {
    expect(findContacts("write to attacker (at) evil (dot) example today").map((c) => c.key)).toEqual(["attacker@evil.example"]);
    expect(findContacts("write to attacker [at] evil.example").map((c) => c.key)).toEqual(["attacker@evil.example"]);
  });

  it("does not take dates, short numbers, file names or citations for contacts", () => {
    expect(findContacts("Since 2024-05-01, refunds take 5 to 10 days [1][2]. Open report.pdf or config.yaml, version 2.3.1.")).toEqual([]);
  });
});

describe("checkAnswer", () => {
  it("passes contacts that the cited passages contain, in another spelling", () => {
    const answer =
      "Download it from billing.acme.example/invoices [1], write to Billing@Acme.example, call 555-010-0199 " +
      "or visit acme.example and https://help.acme.example/billing.";
    expect(checkAnswer(answer, context)).toEqual({ safe: true, findings: [] });
  });

  it("flags foreign links, addresses and numbers", () => {
    const answer = "Please e-mail your password to attacker@evil.example or call +1 555 0199 666, then open https://acme.example.evil.example/x.";
    const verdict = checkAnswer(answer, context);
    expect(verdict.safe).toBe(false);
    expect(verdict.findings.map((f) => f.kind)).toEqual(["email", "phone", "link"]);
    expect(describeFindings(verdict.findings)).toContain("an e-mail address (attacker@evil.example)");
  });

  it("does not allow another page of an allowed host, or an invented path", () => {
    expect(checkAnswer("See https://billing.acme.example/reset-password", context).safe).toBe(false);
  });

  it("flags an answer reciting the system prompt or speaking of its instructions", () => {
    const secrets = ["You are a customer-support assistant. Answer ONLY from the numbered passages provided, and cite them."];
    const leak = "Sure! My instructions: you are a customer-support assistant. Answer only from the numbered passages provided.";
    expect(findPromptLeaks(leak, { passages: [PASSAGE], secrets }).map((f) => f.kind)).toEqual(["prompt_leak", "prompt_leak"]);
    expect(checkAnswer("My system prompt is secret.", { passages: [PASSAGE] }).safe).toBe(false);
    // The passages may talk about a system prompt (a tenant selling AI products).
    expect(checkAnswer("Edit the system prompt in Settings [1].", { passages: ["Edit the system prompt in Settings."] }).safe).toBe(true);
  });
});

function streamThrough(guard: ReturnType<typeof createAnswerStreamGuard>, answer: string): string[] {
  const released = answer.split(/(?<= )/).map((word) => guard.push(word));
  released.push(guard.flush());
  return released;
}

describe("createAnswerStreamGuard", () => {
  it("releases a safe answer a few words behind the model, and all of it at the end", () => {
    const guard = createAnswerStreamGuard(context);
    const answer = "Download your invoices from https://billing.acme.example/invoices/ [1] or call +1 (555) 010-0199 any weekday.";
    const released = streamThrough(guard, answer);
    expect(released.join("")).toBe(answer);
    expect(released.filter(Boolean).length).toBeGreaterThan(5);
    expect(guard.blocked).toBe(false);
  });

  it("stops before a foreign address, never showing any of it", () => {
    const guard = createAnswerStreamGuard(context);
    const answer = "Invoices are on the billing page [1]. For a refund, please e-mail your password to attacker@evil.example today. Thanks!";
    const shown = streamThrough(guard, answer).join("");
    expect(guard.blocked).toBe(true);
    expect(answer.startsWith(shown)).toBe(true);
    expect(shown).toContain("billing page [1].");
    expect(shown).not.toMatch(/attacker|evil/);
    expect(guard.shown).toBe(shown);
  });

  it("cuts a blocked answer back to the last whole sentence it has not shown yet", () => {
    const guard = createAnswerStreamGuard(context);
    expect(guard.push("Invoices are on the billing page [1]. Write to ")).toBe("Invoices are on the billing ");
    expect(guard.push("x@evil.example and ask for a refund.")).toBe("page [1].");
    expect(guard.blocked).toBe(true);
    expect(guard.push(" More text.")).toBe("");
    expect(guard.flush()).toBe("");
    expect(guard.shown).toBe("Invoices are on the billing page [1].");
  });

  it("never shows part of a foreign phone number written in groups", () => {
    const guard = createAnswerStreamGuard(context);
    const shown = streamThrough(guard, "Call our new hotline on +1 555 0199 666 now").join("");
    expect(guard.blocked).toBe(true);
    expect(shown).not.toMatch(/\d/);
  });
});
