import { describe, expect, it } from "vitest";
import { classifySmallTalk } from "./small-talk";

describe("classifySmallTalk", () => {
  it("recognises greetings, thanks, acknowledgements and goodbyes", () => {
    expect(classifySmallTalk("hello")).toBe("greeting");
    expect(classifySmallTalk("Hi there!")).toBe("greeting");
    expect(classifySmallTalk("Good morning")).toBe("greeting");
    expect(classifySmallTalk("thanks!")).toBe("thanks");
    expect(classifySmallTalk("Thank you so much 🙏")).toBe("thanks");
    expect(classifySmallTalk("ok")).toBe("ack");
    expect(classifySmallTalk("bye")).toBe("bye");
  });

  it("recognises noise: punctuation, emoji, keyboard mashing, vowel-less strings", () => {
    expect(classifySmallTalk("???")).toBe("unclear");
    expect(classifySmallTalk("👍")).toBe("unclear");
    expect(classifySmallTalk("asdfgh")).toBe("unclear");
    expect(classifySmallTalk("xkcd qwrtp")).toBe("unclear");
    expect(classifySmallTalk("aaaaaaa")).toBe("unclear");
  });

  it("leaves real questions alone, however short", () => {
    for (const question of [
      "How do I reset my password?",
      "hi, how do I cancel my plan?",
      "thanks, but what about refunds?",
      "pricing",
      "2fa",
      "API rate limits",
      "Can I pay by cheque?",
      "Schritte zum Passwort zurücksetzen",
    ]) {
      expect(classifySmallTalk(question), question).toBeNull();
    }
  });
});
