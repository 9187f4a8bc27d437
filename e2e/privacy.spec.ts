import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./support/artifacts";
import { ChatWidget } from "./support/chat-widget";
import { demoTenant, staffOf } from "./support/demo-tenants";
import { signInStaff } from "./support/staff-session";

/**
 * The privacy leak of issue 10: Jane's personal answer must never reach Carol. Staff
 * reply to Jane personally, and teach the cache only a reviewed generic version, after
 * the form has refused one still holding Jane's details.
 */
test("Jane's personal answer never reaches Carol; only the reviewed generic entry is cached", async ({ browser }) => {
  test.setTimeout(180_000);
  const acme = demoTenant("acme");
  const tag = randomUUID().slice(0, 8);
  const question = (email: string) => `Can you refund the plant watering visit ${tag} on my last invoice? My account is ${email}`;

  // Jane asks; the assistant hands her over.
  const janePage = await (await browser.newContext()).newPage();
  const jane = await ChatWidget.embedded(janePage, acme.widgetKey);
  await jane.ask(question("jane@corp.example"));
  await expect(jane.waitingCard).toBeVisible({ timeout: 45_000 });
  const ticketNumber = await jane.ticketNumber();

  // Staff answer Jane personally and try to cache the same personal text: refused, listed.
  const staff = await signInStaff(browser, staffOf(acme, "agent"));
  await staff.getByTestId("inbox-ticket").filter({ hasText: `#${ticketNumber}` }).getByRole("link").click();
  const personal = "Hi Jane, I've refunded INV-2291 to your Visa ending 4242.";
  await staff.getByLabel("Your answer", { exact: true }).fill(personal);
  await staff.getByLabel("Save a reusable answer to the cache").check();
  // Pre-filled without Jane's address.
  await expect(staff.getByLabel("Reusable question", { exact: true })).not.toHaveValue(/jane@corp\.example/);
  await expect(staff.getByLabel("Reusable question", { exact: true })).toHaveValue(/\[email\]/);
  await staff.getByLabel("Reusable answer", { exact: true }).fill(personal);
  await expect(staff.getByTestId("reusable-personal-data")).toContainText('name "Jane"');
  await staff.getByRole("button", { name: "Approve & send" }).click();
  await expect(staff.getByRole("alert").filter({ hasText: "contains personal data" })).toContainText("INV-2291");
  await saveScreenshot(staff, "privacy-01-refused", { fullPage: true });

  // Reviewed, generic entry: sent.
  const generic = `Refunds for plant watering visits ${tag} go back to the original card within 5 business days.`;
  await staff.getByLabel("Reusable question", { exact: true }).fill(`How do I get a refund for a plant watering visit ${tag}?`);
  await staff.getByLabel("Reusable answer", { exact: true }).fill(generic);
  await staff.getByRole("button", { name: "Approve & send" }).click();
  await expect(staff.getByRole("status").filter({ hasText: "Answer sent" })).toBeVisible();

  // Jane sees her personal reply, live.
  await expect(jane.messages("human").last()).toContainText(personal, { timeout: 20_000 });

  // Carol asks the same thing: she never gets Jane's answer.
  const carolPage = await (await browser.newContext()).newPage();
  const carol = await ChatWidget.embedded(carolPage, acme.widgetKey);
  await carol.ask(question("carol@home.example"));
  // Once her question is settled (handed over or answered), nothing of Jane's is in it.
  await carol.lastAnswer();
  await expect(carol.log).not.toContainText("Jane", { timeout: 5_000 });
  await expect(carol.log).not.toContainText("INV-2291");
  await expect(carol.log).not.toContainText("4242");
  await saveScreenshot(carolPage, "privacy-02-carol");

  // Someone asking the generic question gets the reviewed answer instantly.
  const nextPage = await (await browser.newContext()).newPage();
  const next = await ChatWidget.embedded(nextPage, acme.widgetKey);
  await next.ask(`How do I get a refund for a plant watering visit ${tag}?`);
  const cached = await next.lastAnswer();
  await expect(cached).toContainText(generic);
  await expect(cached).toContainText("Instant answer");
});
