import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ChatWidget } from "./support/chat-widget";
import { startCustomerSite } from "./support/customer-site";
import { demoTenant, staffOf } from "./support/demo-tenants";
import { saveScreenshot } from "./support/artifacts";
import { StaffApi } from "./support/staff-api";

/**
 * A real cross-site embed: the customer's site on another loopback origin (localhost)
 * than the app (127.0.0.1), where the chat frame is a third party. The visitor keeps the
 * conversation across a page change because widget.js keeps the token in the site's own
 * storage and hands it to the frame.
 */
test("cross-site embed keeps the conversation, ticket and live answer across a page change", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const acme = demoTenant("acme");
  const tag = randomUUID().slice(0, 8);
  const site = await startCustomerSite(`<!doctype html><html><head><title>Customer</title></head>
    <body><h1>A customer's page</h1><a href="/contact">Contact</a>
    <script src="${baseURL}/widget.js" data-key="${acme.widgetKey}" async></script></body></html>`);
  try {
    await page.goto(site.url);
    await ChatWidget.launcher(page).click();
    const first = new ChatWidget(page, page.frameLocator('iframe[title^="Chat with"]').locator(":root"));
    await first.ready();
    const question = `Can your technicians ${tag} repaint our office door in teal?`;
    await first.ask(question);
    await expect(first.waitingCard).toBeVisible({ timeout: 45_000 });
    const ticketNumber = await first.ticketNumber();
    // The token lives in the customer site's own storage, not only in the frame's.
    const kept = await page.evaluate((key) => localStorage.getItem(`support-widget:${key}`), acme.widgetKey);
    expect(kept).toContain("token");

    // Page 2 of the customer's site: the same conversation, waiting card and all.
    await page.getByRole("link", { name: "Contact" }).click();
    await expect(page).toHaveURL(/\/contact$/);
    await ChatWidget.launcher(page).click();
    const second = new ChatWidget(page, page.frameLocator('iframe[title^="Chat with"]').locator(":root"));
    await second.ready();
    await expect(second.texts("user")).toContainText([question]);
    await expect(second.waitingCard).toContainText(`Ticket #${ticketNumber}`);

    // The human answer arrives live on page 2.
    const staff = await StaffApi.signIn(page.request, staffOf(acme, "agent"));
    const answer = `Teal it is (${tag}); we will send a painter.`;
    await staff.resolve(await staff.ticketIdByNumber(ticketNumber), answer);
    await expect(second.messages("human").last()).toContainText(answer, { timeout: 20_000 });
    await saveScreenshot(page, "cross-site-01-page-two");
  } finally {
    await site.close();
  }
});
