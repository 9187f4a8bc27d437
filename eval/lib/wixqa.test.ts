import { describe, expect, it } from "vitest";
import { convertWixqa, wixqaRecordSchema, type WixqaRecord } from "./wixqa";

const ctx = (id: string) => ({ id, title: `T ${id}`, url: `https://h/${id}`, text: `text ${id}` });
const records: WixqaRecord[] = [
  { id: "q1", question: "one", answer: "A1", article_ids: ["a"], contexts: [ctx("a")] },
  { id: "q2", question: "two", answer: "A2", article_ids: ["b", "shared"], contexts: [ctx("b"), ctx("shared")] },
  { id: "q3", question: "three", article_ids: ["shared"], contexts: [ctx("shared")] },
  { id: "q4", question: "four", article_ids: ["c"], contexts: [ctx("c")] },
].map((r) => wixqaRecordSchema.parse(r));

describe("convertWixqa", () => {
  it("makes the union of contexts the KB, each article once", () => {
    const { kb, questions } = convertWixqa(records, { holdOut: 0, seed: 1 });
    expect(kb.map((a) => a.id).sort()).toEqual(["a", "b", "c", "shared"]);
    expect(kb.find((a) => a.id === "a")).toEqual({ id: "a", title: "T a", text: "text a", url: "https://h/a" });
    expect(questions.every((q) => !q.expect_escalation)).toBe(true);
  });

  it("holds out only questions whose articles no other question cites, and marks them", () => {
    const { kb, questions, heldOutQuestions } = convertWixqa(records, { holdOut: 5, seed: 3 });
    expect(heldOutQuestions.sort()).toEqual(["q1", "q4"]);
    expect(kb.map((a) => a.id).sort()).toEqual(["b", "shared"]);
    expect(questions.filter((q) => q.expect_escalation).map((q) => q.id).sort()).toEqual(["q1", "q4"]);
    expect(questions.find((q) => q.id === "q2")).toMatchObject({ answer: "A2", article_ids: ["b", "shared"], expect_escalation: false });
  });

  it("holds out the requested number, reproducibly", () => {
    const first = convertWixqa(records, { holdOut: 1, seed: 9 }).heldOutQuestions;
    expect(first).toHaveLength(1);
    expect(convertWixqa(records, { holdOut: 1, seed: 9 }).heldOutQuestions).toEqual(first);
  });
});
