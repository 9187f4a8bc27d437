import { describe, expect, it } from "vitest";
import { embedOffline } from "@/lib/ai/offline-embedder";
import { cosineSimilarity } from "@/lib/ai/vector";
import type { RetrievedChunk } from "@/lib/rag/types";
import { HELP_ARTICLES } from "@/tests/support/knowledge-fixtures";
import { answerOffline, contentTerms, gradeOffline, retrievalConfidence } from "./offline-answerer";

/**
 * Retrieval as the hybrid search would return it: ranked by vector similarity (offline
 * embedder), with a text rank for chunks sharing any question term (the looser,
 * OR-style reading, which makes off-topic questions look better than they are).
 */
function retrieveFor(question: string): RetrievedChunk[] {
  const q = embedOffline(question);
  const terms = contentTerms(question);
  const scored = HELP_ARTICLES.map((a, i) => ({
    a,
    i,
    sim: cosineSimilarity(q, embedOffline(`${a.title}\n\n${a.content}`)),
    text: [...contentTerms(`${a.title} ${a.content}`)].some((t) => terms.has(t)),
  })).sort((x, y) => y.sim - x.sim);
  let textRank = 0;
  return scored.map(({ a, i, sim, text }, rank) => ({
    id: `00000000-0000-4000-8000-00000000000${i}`,
    sourceId: `10000000-0000-4000-8000-00000000000${i}`,
    content: a.content,
    title: a.title,
    url: a.url,
    page: null,
    headingPath: [],
    score: 1 / (61 + rank),
    vectorSimilarity: sim,
    vectorRank: rank + 1,
    textRank: text ? ++textRank : null,
  }));
}

function confidenceFor(question: string): number {
  const relevant = gradeOffline(question, retrieveFor(question)).filter((g) => g.relevant).map((g) => g.chunk);
  return retrievalConfidence(question, relevant);
}

describe("offline answerer", () => {
  it.each([
    "How do I reset my password?",
    "Can I get a refund?",
    "How long does standard shipping take?",
    "How do I export my data as CSV?",
    "How do I enable two-factor authentication?",
    "What happens if I lose my phone?",
    "I forgot my password",
  ])("is confident about a covered question: %s", (question) => {
    expect(confidenceFor(question)).toBeGreaterThanOrEqual(0.7);
  });

  it.each([
    "Do you accept payment in bitcoin?",
    "What is the capital of France?",
    "Can I integrate with Salesforce?",
    "Is there a mobile app for Android tablets?",
    "How do I reset my router firmware?",
    // Partly covered: the KB has the words, not the answer.
    "Can I change my email address?",
    "How much does express delivery cost?",
  ])("is not confident about a question the knowledge base does not cover: %s", (question) => {
    expect(confidenceFor(question)).toBeLessThan(0.7);
  });

  it("grades the chunk that answers the question first and ignores unrelated ones", () => {
    const graded = gradeOffline("How do I reset my password?", retrieveFor("How do I reset my password?"));
    expect(graded[0].chunk.title).toBe("Resetting your password");
    expect(graded[0].relevant).toBe(true);
    expect(graded.find((g) => g.chunk.title === "Shipping times")?.relevant).toBe(false);
  });

  it("never calls a chunk relevant when it shares no term with the question", () => {
    const chunks = retrieveFor("bitcoin wallet").map((c) => ({ ...c, vectorSimilarity: 0.9, textRank: 1 }));
    expect(gradeOffline("bitcoin wallet", chunks).every((g) => !g.relevant)).toBe(true);
  });

  it("answers by quoting the most relevant sentences with citation markers", () => {
    const question = "How long is the password reset link valid?";
    const relevant = gradeOffline(question, retrieveFor(question)).filter((g) => g.relevant).map((g) => g.chunk);
    const { text, quoted } = answerOffline(question, relevant);
    expect(quoted[0].title).toBe("Resetting your password");
    expect(text).toContain("The reset link expires after 24 hours. [1]");
    expect(text).not.toContain("Refunds");
  });

  it("has zero confidence and no answer without relevant chunks", () => {
    expect(retrievalConfidence("anything", [])).toBe(0);
    expect(answerOffline("anything", [])).toEqual({ text: "", quoted: [] });
  });

  it("extracts stemmed content terms without stop words", () => {
    expect([...contentTerms("How do I reset my passwords?")].sort()).toEqual(["password", "reset"]);
    expect(contentTerms("Resetting").has("reset")).toBe(true);
  });
});
