import { describe, expect, it } from "vitest";
import { describePersonalData, detectPersonalData, namesFromConversation, redactPersonalData } from "./personal-data";

const kinds = (text: string, names?: string[]) => detectPersonalData(text, { names }).map((m) => `${m.kind}:${m.text}`);

describe("detectPersonalData", () => {
  it("finds Jane's e-mail, invoice, card ending and name (the privacy-leak case)", () => {
    expect(kinds("Can you refund my last invoice? My account is jane@corp.example")).toEqual(["email:jane@corp.example"]);
    expect(kinds("Hi Jane, I've refunded INV-2291 to your Visa ending 4242.", ["jane"])).toEqual([
      "name:Jane",
      "account:INV-2291",
      "card:ending 4242",
    ]);
  });

  it("checks card numbers with Luhn and IBANs with mod 97", () => {
    expect(kinds("card 4111 1111 1111 1111 please")).toContain("card:4111 1111 1111 1111");
    expect(kinds("my IBAN is GB82 WEST 1234 5698 7654 32")).toContain("iban:GB82 WEST 1234 5698 7654 32");
    // A number that fails Luhn is still a long number: an account, never silently passed.
    expect(kinds("number 4111111111111112")).toEqual(["account:4111111111111112"]);
    expect(kinds("GB00 WEST 1234 5698 7654 32").some((k) => k.startsWith("iban"))).toBe(false);
  });

  it("finds phone numbers written the usual ways", () => {
    expect(kinds("call me on +44 20 7946 0958")).toEqual(["phone:+44 20 7946 0958"]);
    expect(kinds("or 555-867-5309 after six")).toEqual(["phone:555-867-5309"]);
    expect(kinds("my account number: 12345678")).toEqual(["account:12345678"]);
  });

  it("finds names the visitor revealed, and leaves generic text alone", () => {
    expect(namesFromConversation(["Hello, my name is Carol", "carol.smith@example.com"]).sort()).toEqual(["Carol", "carol", "smith"]);
    expect(kinds("Thanks Carol, your plan renews monthly.")).toEqual(["name:Carol"]);
    expect(kinds("How do I reset my password?")).toEqual([]);
    expect(kinds("Hi there, refunds take 5 to 10 business days in 2026.")).toEqual([]);
    expect(kinds("hi smith, hello")).toEqual([]);
    expect(kinds("you said smith twice", ["Smith"])).toEqual(["name:smith"]);
  });
});

describe("redactPersonalData", () => {
  it("turns Jane's answer into a generic one staff can edit", () => {
    const names = namesFromConversation(["My account is jane@corp.example"]);
    expect(redactPersonalData("Hi Jane, I've refunded INV-2291 to your Visa ending 4242.", { names })).toBe(
      "Hi, I've refunded [reference] to your Visa [card].",
    );
    expect(redactPersonalData("Can you refund my last invoice? My account is jane@corp.example")).toBe(
      "Can you refund my last invoice? My account is [email]",
    );
    expect(detectPersonalData(redactPersonalData("Call +44 20 7946 0958 or mail bob@x.io"))).toEqual([]);
  });

  it("describes what it found for error messages", () => {
    expect(describePersonalData(detectPersonalData("mail bob@x.io"))).toBe('email "bob@x.io"');
  });
});
