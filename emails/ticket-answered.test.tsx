import { describe, expect, it } from "vitest";
import TicketAnsweredEmail from "@/emails/ticket-answered";
import { InvalidEmailPayloadError, renderEmail } from "@/lib/email/templates";

const payload = { ...TicketAnsweredEmail.PreviewProps, answer: "First line\nsecond line\n\nNext paragraph <i>here</i>" };

describe("ticket-answered e-mail", () => {
  it("renders paragraphs and line breaks, escaped, in HTML and plain text", async () => {
    const { subject, html, text } = await renderEmail("ticket-answered", payload);
    expect(subject).toBe("Acme Cloud Support: your question was answered (ticket #42)");
    expect(html).toMatch(/First line<br\/>second line<\/p>/);
    expect(html).toContain("Next paragraph &lt;i&gt;here&lt;/i&gt;");
    expect(html).toContain("Ticket #<!-- -->42");
    expect(text).toContain("Next paragraph <i>here</i>");
    expect(text).toContain("Can I move my workspace to the EU region?");
  });

  it("links back to the conversation and mentions replying by e-mail only with a Reply-To", async () => {
    const withLink = await renderEmail("ticket-answered", payload);
    expect(withLink.html).toContain(`href="${payload.conversationUrl}"`);
    expect(withLink).toMatchObject({ senderName: "Acme Cloud Support", replyTo: "help@acme.example" });
    expect(withLink.text).toContain("Reply to this e-mail");
    const bare = await renderEmail("ticket-answered", { ...payload, conversationUrl: undefined, replyTo: undefined });
    expect(bare.html).not.toContain("Continue the conversation");
    expect(bare.text).not.toContain("Reply to this e-mail");
    await expect(renderEmail("ticket-answered", { ...payload, conversationUrl: "javascript:alert(1)" })).rejects.toThrow(/conversationUrl/);
  });

  it("falls back to the default colour instead of putting arbitrary CSS in a style", async () => {
    const { html } = await renderEmail("ticket-answered", { ...payload, brandColor: "red;background:url(https://x)" });
    expect(html).not.toContain("url(https://x)");
    expect(html).toContain("#4f46e5");
  });

  it("refuses an unknown template or a payload it cannot render", async () => {
    await expect(renderEmail("welcome", payload)).rejects.toBeInstanceOf(InvalidEmailPayloadError);
    await expect(renderEmail("ticket-answered", { ...payload, tenantName: "Acme\r\nBcc: x@evil.test" })).rejects.toThrow(/tenantName/);
  });
});
