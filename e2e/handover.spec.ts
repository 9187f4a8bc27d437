import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { MAIL_SINK_URL } from "../playwright.config";
import { saveScreenshot } from "./support/artifacts";
import { ChatWidget } from "./support/chat-widget";
import { demoTenant, staffOf } from "./support/demo-tenants";
import { signInStaff } from "./support/staff-session";

async function mailCount(page: Page, address: string): Promise<number> {
  const response = await page.request.get(`${MAIL_SINK_URL}/messages`);
  return ((await response.json()) as Array<{ to: string[] }>).filter((m) => m.to.includes(address)).length;
}

/**
 * The conversation is handed over, not each message: follow-ups reach the same ticket,
 * staff reply twice in one conversation and then close it.
 */
test("hand-over → follow-ups reach the same ticket → staff reply twice → close", async ({ browser }) => {
  test.setTimeout(180_000);
  const acme = demoTenant("acme");
  const tag = randomUUID().slice(0, 8);
  const email = `handover-${tag}@example.com`;

  const visitorPage = await (await browser.newContext()).newPage();
  const widget = await ChatWidget.embedded(visitorPage, acme.widgetKey);
  const question = `Can your technicians ${tag} water the plants in our office while we are on holiday?`;
  await widget.ask(question);
  await expect(widget.waitingCard).toBeVisible({ timeout: 45_000 });
  await expect(widget.messages("system").or(widget.messages("ai")).last()).toContainText("Leave your email address");
  const ticketNumber = await widget.ticketNumber();
  await widget.waitingCard.getByLabel("Your email").fill(email);
  await widget.waitingCard.getByRole("button", { name: "Notify me" }).click();
  await expect(widget.waitingCard).toContainText(`You will receive an email at ${email}`);

  // A follow-up goes to the team: no assistant answer, no second ticket.
  const followUp = `It is one big ficus ${tag}, it needs water twice a week.`;
  await widget.ask(followUp);
  await expect(widget.log.locator('[data-sender="delivered"]')).toHaveCount(1);
  await expect(widget.waitingCard).toHaveCount(1);
  await expect(widget.log.getByText("Talk to a person")).toHaveCount(0);

  // Staff see the conversation, the follow-up included, in one ticket.
  const staff = await signInStaff(browser, staffOf(acme, "agent"));
  await expect(staff.getByTestId("inbox-ticket").filter({ hasText: tag })).toHaveCount(1);
  await staff.getByTestId("inbox-ticket").filter({ hasText: `#${ticketNumber}` }).getByRole("link").click();
  await expect(staff.getByTestId("conversation-message").filter({ hasText: followUp })).toBeVisible();

  // First reply, conversation kept open.
  const first = `Which days suit you best (${tag})?`;
  await staff.getByLabel("Your answer", { exact: true }).fill(first);
  await staff.getByRole("button", { name: "Send, keep open" }).click();
  await expect(widget.messages("human").last()).toContainText(first, { timeout: 20_000 });
  await expect(widget.messages("human").last().getByTestId("in-reply-to")).toContainText(question);

  // The visitor answers back; staff see it live on the open page and reply again.
  const answerBack = `Mondays and Thursdays ${tag}.`;
  await widget.ask(answerBack);
  await expect(staff.getByTestId("conversation-message").filter({ hasText: answerBack })).toBeVisible({ timeout: 15_000 });
  const second = `We only look after servers, sorry (${tag}). A local plant-sitting service can help.`;
  await staff.getByLabel("Your answer", { exact: true }).fill(second);
  await staff.getByRole("button", { name: "Send, keep open" }).click();
  await expect(widget.messages("human")).toHaveCount(2, { timeout: 20_000 });
  await expect(widget.messages("human").last()).toContainText(second);
  await saveScreenshot(visitorPage, "handover-01-two-replies");

  // Close without another reply, with a reason: the visitor is told. The reply's action
  // ends with a navigation (redirect to ?sent=…): wait until the staff page shows the
  // reply, so the reason is typed into the page that stays, not the one being replaced.
  await expect(staff.getByTestId("conversation-message").filter({ hasText: second })).toBeVisible({ timeout: 15_000 });
  const reason = staff.getByLabel("Reason for closing");
  await reason.fill("Out of scope");
  await expect(reason).toHaveValue("Out of scope");
  await staff.getByRole("button", { name: "Close without reply" }).click();
  await expect(staff.getByTestId("resolved-by")).toContainText("closed: Out of scope");
  await expect(widget.messages("system").last()).toContainText("This conversation was closed", { timeout: 20_000 });
  await saveScreenshot(staff, "handover-02-closed", { fullPage: true });

  // One e-mail per reply.
  await expect.poll(() => mailCount(staff, email), { timeout: 30_000 }).toBe(2);
});

test("rating an answer: not helpful offers a person, who gets the conversation", async ({ browser }) => {
  test.setTimeout(120_000);
  const acme = demoTenant("acme");
  const page = await (await browser.newContext()).newPage();
  const widget = await ChatWidget.embedded(page, acme.widgetKey);
  await widget.ask("How do I reset my password?");
  await widget.lastAnswer();
  const rating = widget.log.getByTestId("answer-rating").last();
  await rating.getByRole("button", { name: "Yes" }).click();
  await expect(rating).toContainText("Thanks for letting us know.");
  await rating.getByRole("button", { name: "No" }).click();
  await expect(rating.getByRole("button", { name: "No" })).toHaveAttribute("aria-pressed", "true");
  await rating.getByRole("button", { name: "Talk to a person" }).click();
  await expect(widget.waitingCard).toBeVisible();
  await expect(widget.waitingCard).toContainText(/Ticket #\d+/);

  // The rating survives a reload and staff see it on the ticket.
  const ticketNumber = await widget.ticketNumber();
  await page.reload();
  const again = await ChatWidget.embedded(page, acme.widgetKey);
  await expect(again.log.getByTestId("answer-rating").last().getByRole("button", { name: "No" })).toHaveAttribute("aria-pressed", "true");
  const staff = await signInStaff(browser, staffOf(acme, "agent"));
  await staff.getByTestId("inbox-ticket").filter({ hasText: `#${ticketNumber}` }).getByRole("link").click();
  await expect(staff.getByText("Rated not helpful")).toBeVisible();
});
