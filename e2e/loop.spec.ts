import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { MAIL_SINK_URL } from "../playwright.config";
import { saveScreenshot } from "./support/artifacts";
import { ChatWidget } from "./support/chat-widget";
import { demoTenant, staffOf } from "./support/demo-tenants";

interface SunkMail {
  to: string[];
  subject: string;
  text: string;
}

async function mailTo(page: Page, address: string): Promise<SunkMail[]> {
  const response = await page.request.get(`${MAIL_SINK_URL}/messages`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as SunkMail[]).filter((m) => m.to.includes(address));
}

/**
 * The product's promise end to end, in real browsers against the production build: the
 * AI answers what it knows, hands over what it does not, a human answers in the Control
 * Center, the waiting visitor sees it live and by email (once), and the next visitor
 * asking the same gets it instantly from the cache.
 */
test("visitor → AI answer → escalation → staff approves → live answer, one email, cached for the next visitor", async ({ browser }) => {
  test.setTimeout(180_000);
  const acme = demoTenant("acme");
  const tag = randomUUID().slice(0, 8);
  const visitorEmail = `visitor-${tag}@example.com`;

  // 1. A visitor on the customer's site asks something the knowledge base covers.
  const visitorContext = await browser.newContext();
  const visitorPage = await visitorContext.newPage();
  const widget = await ChatWidget.embedded(visitorPage, acme.widgetKey);
  await widget.ask("How do I reset my password?");
  const answer = await widget.lastAnswer();
  await expect(answer).toContainText(/password/i);
  await expect(answer.getByTestId("sources").getByRole("listitem").first()).toBeVisible();
  await saveScreenshot(visitorPage, "loop-01-ai-answer");

  // 2. Then something it does not cover: handed over, with a ticket number; leaves an email.
  const question = `Can your technicians ${tag} water the plants in our office while we are on holiday?`;
  await widget.ask(question);
  await expect(widget.waitingCard).toBeVisible({ timeout: 45_000 });
  await expect(widget.waitingCard).toContainText("Waiting for an agent");
  const ticketNumber = await widget.ticketNumber();
  await widget.waitingCard.getByLabel("Your email").fill(visitorEmail);
  await widget.waitingCard.getByRole("button", { name: "Notify me" }).click();
  await expect(widget.waitingCard).toContainText(`You will receive an email at ${visitorEmail}`);
  await saveScreenshot(visitorPage, "loop-02-waiting-for-agent");

  // 3. A staff member signs in, finds the ticket in the inbox, edits the draft, approves.
  const staffContext = await browser.newContext();
  const staffPage = await staffContext.newPage();
  await staffPage.goto("/sign-in");
  await staffPage.getByLabel("Email").fill(staffOf(acme, "agent").email);
  await staffPage.getByLabel("Password").fill(staffOf(acme, "agent").password);
  await staffPage.getByRole("button", { name: "Sign in" }).click();
  const row = staffPage.getByTestId("inbox-ticket").filter({ hasText: `#${ticketNumber}` });
  await expect(row).toContainText(question);
  await expect(row).toContainText(visitorEmail);
  await row.getByRole("link").click();
  await expect(staffPage.getByRole("heading", { name: `Ticket #${ticketNumber}` })).toBeVisible();
  await expect(staffPage.getByTestId("ticket-question")).toHaveText(question);
  const editor = staffPage.getByLabel("Your answer", { exact: true });
  const humanAnswer = `Our technicians only look after servers, not plants (${tag}). A local plant-sitting service can help.`;
  await editor.fill(humanAnswer);
  await expect(staffPage.getByLabel("Notify by email")).toBeChecked();
  // Teaching the cache is a separate, reviewed act: the generic question and answer.
  await staffPage.getByLabel("Save a reusable answer to the cache").check();
  await staffPage.getByLabel("Reusable question", { exact: true }).fill(question);
  await staffPage.getByLabel("Reusable answer", { exact: true }).fill(humanAnswer);
  await saveScreenshot(staffPage, "loop-03-staff-editing", { fullPage: true });
  await staffPage.getByRole("button", { name: "Approve & send" }).click();
  await expect(staffPage.getByRole("status").filter({ hasText: "Answer sent" })).toContainText(`by email at ${visitorEmail}`);
  await expect(staffPage.getByTestId("resolved-by")).toContainText("Resolved by Alan Agent");

  // 4. The visitor's open widget shows the human answer, live, without a reload.
  await expect(widget.messages("human").last()).toContainText(humanAnswer, { timeout: 20_000 });
  await expect(widget.waitingCard).toHaveCount(0);
  await saveScreenshot(visitorPage, "loop-04-human-answer-live");

  // 5. Exactly one email reaches the visitor.
  await expect.poll(async () => (await mailTo(staffPage, visitorEmail)).length, { timeout: 30_000 }).toBe(1);
  const [mail] = await mailTo(staffPage, visitorEmail);
  expect(mail.text).toContain(humanAnswer);
  expect(mail.subject).toContain(`#${ticketNumber}`);
  await staffPage.waitForTimeout(3_000); // a duplicate would have been sent by now
  expect(await mailTo(staffPage, visitorEmail)).toHaveLength(1);

  // 6. A new visitor asking the same question gets the approved answer instantly, from the cache.
  const nextContext = await browser.newContext();
  const nextPage = await nextContext.newPage();
  const next = await ChatWidget.embedded(nextPage, acme.widgetKey);
  await next.ask(question);
  const cached = await next.lastAnswer();
  await expect(cached).toContainText(humanAnswer);
  await expect(cached).toContainText("Instant answer");
  await expect(next.waitingCard).toHaveCount(0);
  await saveScreenshot(nextPage, "loop-05-instant-from-cache");

  // The Control Center's cache page lists it as a human answer with one hit.
  await staffPage.goto("/dashboard/cache");
  const entry = staffPage.getByTestId("cache-entry").filter({ hasText: question });
  await expect(entry).toContainText("Human");
  // Hit counts are written in batches a second after the hit (lib/cache/adapters/pgvector-hit-counter.ts).
  await expect(async () => {
    await staffPage.reload();
    await expect(entry).toContainText("1 hit", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  await Promise.all([visitorContext.close(), staffContext.close(), nextContext.close()]);
});
