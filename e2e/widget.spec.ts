import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { saveScreenshot } from "./support/artifacts";
import { ChatWidget } from "./support/chat-widget";
import { startCustomerSite } from "./support/customer-site";
import { demoTenant, staffOf } from "./support/demo-tenants";
import { slowDownChatStream } from "./support/slow-stream";
import { StaffApi } from "./support/staff-api";

const acme = () => demoTenant("acme");
const globex = () => demoTenant("globex");
const unique = () => randomUUID().slice(0, 8);

/**
 * Questions no demo knowledge base covers, on unrelated topics: a human answer to one is
 * cached, and a near-identical question later would (rightly) be answered from the cache.
 */
const UNANSWERABLE = {
  waiting: "Can your team teleport my llama to the rings of Saturn by Tuesday?",
  live: "What is your favourite recipe for a seven-layer wedding cake with marzipan?",
  polling: "Could a medieval knight in full armour swim across the English Channel?",
  returning: "Which orchestra will play the violin concerto at my birthday party in Lisbon?",
  isolation: "Who painted the portrait of the lighthouse keeper's dog hanging in your lobby?",
};

async function escalate(widget: ChatWidget, question: string): Promise<number> {
  await widget.ask(question);
  await expect(widget.waitingCard).toBeVisible({ timeout: 45_000 });
  return widget.ticketNumber();
}

async function resolveAs(
  page: Page,
  slug: "acme" | "globex",
  ticketNumber: number,
  answer: string,
  reusable?: { question: string; answer: string },
) {
  const staff = await StaffApi.signIn(page.request, staffOf(demoTenant(slug), "agent"));
  await staff.resolve(await staff.ticketIdByNumber(ticketNumber), answer, { reusable });
}

async function freshVisitor(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test.describe("chat widget, embedded in a customer site", () => {
  test("opens from the branded launcher and streams an answer with citations through each state", async ({ page }) => {
    await slowDownChatStream(page, 900);
    const widget = await ChatWidget.embedded(page, acme().widgetKey);
    const launcher = ChatWidget.launcher(page);
    await expect(launcher).toHaveAttribute("aria-expanded", "true");
    await expect(launcher).toHaveCSS("background-color", "rgb(79, 70, 229)");
    await expect(widget.root.getByRole("heading", { level: 1 })).toHaveText("Acme Cloud Support");
    await expect(widget.log).toContainText("Ask me anything about Acme Cloud");
    await saveScreenshot(page, "widget-01-open");

    // A question no other spec asks: an earlier spec's answer would be a cache hit here.
    const question = "How do I enable two-factor authentication?";
    await widget.ask(question);
    await expect(widget.texts("user").last()).toHaveText(question, { timeout: 2_000 });
    for (const [phase, label, shot] of [
      ["checking_cache", "Checking for an instant answer", "widget-02-checking-cache"],
      ["searching", "Searching the knowledge base", "widget-03-searching"],
      ["answering", "Writing the answer", "widget-04-answering"],
    ] as const) {
      await expect(widget.status).toHaveAttribute("data-phase", phase);
      await expect(widget.status).toContainText(label);
      await saveScreenshot(page, shot);
    }

    const answer = await widget.lastAnswer();
    await expect(answer).toContainText(/authenticator app/i);
    await expect(answer.getByTestId("sources").getByRole("listitem").first()).toBeVisible();
    await expect(answer).toContainText("Offline mode"); // CI runs the labelled offline answerer
    await expect(widget.error).toHaveCount(0);
    await saveScreenshot(page, "widget-05-answer-with-sources");
  });

  test("shows the answer growing as it is written, and the log announces text changes (FR-01)", async ({ page }) => {
    await slowDownChatStream(page, 700);
    const widget = await ChatWidget.embedded(page, acme().widgetKey);
    // Screen readers hear the growing answer: the log reports changed text, not only new bubbles.
    await expect(widget.log).toHaveAttribute("aria-live", "polite");
    await expect(widget.log).toHaveAttribute("aria-relevant", "additions text");
    await expect(widget.log).toHaveAttribute("aria-atomic", "false");

    await widget.ask("How do I add a team member?");
    const text = widget.texts("ai").last();
    await expect(text).toContainText("Owners and admins can invite team members", { timeout: 30_000 });
    // The first sentence is on screen while the rest is still being written.
    await expect(widget.status).toHaveAttribute("data-phase", "answering");
    expect(await text.innerText()).not.toContain("Viewer, Developer or Admin");
    await saveScreenshot(page, "widget-17-streaming");

    const answer = await widget.lastAnswer();
    await expect(answer).toContainText("Viewer, Developer or Admin role");
    await expect(answer).toContainText("[1]");
    await expect(answer.getByTestId("sources")).toBeVisible();
  });

  test("is keyboard operable: Enter opens it with focus in the message box, Escape closes it", async ({ page }) => {
    await page.goto(`/demo/${acme().widgetKey}`);
    const launcher = ChatWidget.launcher(page);
    await expect(launcher).toHaveAccessibleName("Open chat with Acme Cloud Support");
    await launcher.focus();
    await page.keyboard.press("Enter");
    const widget = new ChatWidget(page, page.frameLocator('iframe[title="Chat with Acme Cloud Support"]').locator(":root"));
    await widget.ready();
    await expect(widget.input).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(launcher).toHaveAttribute("aria-expanded", "false");
    await expect(launcher).toBeFocused();
    await expect(page.locator("iframe")).toBeHidden();
  });

  test("hands an unanswerable question to an agent, with the ticket number and an inline-validated email", async ({ page }) => {
    const widget = await ChatWidget.embedded(page, acme().widgetKey);
    const ticket = await escalate(widget, UNANSWERABLE.waiting);
    expect(ticket).toBeGreaterThan(0);
    await expect(widget.waitingCard).toContainText("Waiting for an agent");
    await expect(widget.waitingCard).toContainText(`Ticket #${ticket}`);
    // The hand-over asks for the address first (none is known yet): one form, under the card.
    await expect(widget.waitingCard).toContainText("Leave your email address");
    await saveScreenshot(page, "widget-06-waiting-for-agent");

    const email = widget.waitingCard.getByLabel("Your email");
    await email.fill("not-an-email");
    await widget.waitingCard.getByRole("button", { name: "Notify me" }).click();
    await expect(widget.waitingCard.getByRole("alert")).toContainText("Enter a valid email address");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await saveScreenshot(page, "widget-07-email-invalid");

    await email.fill("visitor@example.com");
    await widget.waitingCard.getByRole("button", { name: "Notify me" }).click();
    await expect(widget.waitingCard).toContainText("You will receive an email at visitor@example.com");
    await expect(widget.waitingCard.getByLabel("Your email")).toHaveCount(0);
    await saveScreenshot(page, "widget-08-email-saved");
  });

  test("shows the human answer live, labelled, as plain text", async ({ page }) => {
    const widget = await ChatWidget.embedded(page, acme().widgetKey);
    const ticket = await escalate(widget, UNANSWERABLE.live);
    const answer = `Hello from the Acme team ${unique()}. <b>bold?</b><img src=x onerror="window.__xss=1">`;
    await resolveAs(page, "acme", ticket, answer);

    const human = widget.messages("human").last();
    await expect(human).toContainText(answer, { timeout: 20_000 });
    await expect(human).toContainText("Answered by our support team");
    await expect(widget.waitingCard).toHaveCount(0);
    await expect(widget.log.locator("img, b")).toHaveCount(0);
    const frame = page.frames().find((f) => f.url().includes("/w/"))!;
    expect(await frame.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await saveScreenshot(page, "widget-09-human-answer");
  });

  test("still gets the human answer by polling when the live stream is blocked", async ({ page }) => {
    await page.route("**/chat/events**", (route) => route.abort("connectionrefused"));
    const widget = await ChatWidget.embedded(page, acme().widgetKey);
    const ticket = await escalate(widget, UNANSWERABLE.polling);
    const answer = `Answered while the event stream was blocked ${unique()}`;
    await resolveAs(page, "acme", ticket, answer);
    await expect(widget.messages("human").last()).toContainText(answer, { timeout: 20_000 });
  });

  test("a returning visitor sees the conversation, including the answer that arrived while away", async ({ page, context }) => {
    const first = await ChatWidget.embedded(page, acme().widgetKey);
    const question = UNANSWERABLE.returning;
    const ticket = await escalate(first, question);
    await page.close();

    const answer = `We replied while you were away ${unique()}`;
    const later = await context.newPage();
    await resolveAs(later, "acme", ticket, answer);
    const widget = await ChatWidget.embedded(later, acme().widgetKey);
    await expect(widget.texts("user")).toContainText([question]);
    await expect(widget.log).toContainText(`Ticket #${ticket}`);
    await expect(widget.messages("human").last()).toContainText(answer);
    await expect(widget.waitingCard).toHaveCount(0);
    await saveScreenshot(later, "widget-10-returning-visitor");
  });
});

test.describe("chat widget, bad input and failures", () => {
  test("refuses an oversized message before sending, with a counter", async ({ page }) => {
    const sent: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/chat/stream")) sent.push(request.url());
    });
    const widget = await ChatWidget.standalone(page, acme().widgetKey);
    const tooLong = widget.root.getByRole("alert").filter({ hasText: "Your message is too long" });
    await widget.input.fill("x".repeat(4_001));
    await expect(tooLong).toContainText("Your message is too long (4,001 characters)");
    await expect(widget.root.getByTestId("char-count")).toContainText("4,001 / 4,000");
    await expect(widget.send).toBeDisabled();
    await widget.input.press("Enter");
    await saveScreenshot(page, "widget-11-message-too-long");
    expect(sent).toEqual([]);
    await expect(widget.messages("user")).toHaveCount(0);

    await widget.input.fill("x".repeat(4_000));
    await expect(tooLong).toHaveCount(0);
    await expect(widget.send).toBeEnabled();
  });

  test("names rate limiting, server errors and a lost connection, each with a working Retry", async ({ page }) => {
    const widget = await ChatWidget.standalone(page, acme().widgetKey);
    const failWith = async (handler: Parameters<Page["route"]>[1]) => {
      await page.unrouteAll({ behavior: "wait" });
      await page.route("**/chat/stream", handler);
    };

    await failWith((route) =>
      route.fulfill({ status: 429, json: { error: { code: "rate_limited", message: "Slow down." } } }),
    );
    await widget.ask("Which payment methods do you accept?");
    await expect(widget.error).toHaveAttribute("data-kind", "rate_limited");
    await expect(widget.error).toContainText("Too many messages");
    await expect(widget.status).toHaveAttribute("data-phase", "idle");
    await saveScreenshot(page, "widget-12-rate-limited");

    await failWith((route) => route.fulfill({ status: 500, json: { error: { code: "internal", message: "Boom." } } }));
    await widget.error.getByRole("button", { name: "Retry" }).click();
    await expect(widget.error).toHaveAttribute("data-kind", "server");
    await expect(widget.error).toContainText("Something went wrong on our side");

    await failWith((route) => route.abort("internetdisconnected"));
    await widget.error.getByRole("button", { name: "Retry" }).click();
    await expect(widget.error).toHaveAttribute("data-kind", "network");
    await expect(widget.error).toContainText("Connection lost");
    await saveScreenshot(page, "widget-13-connection-lost");

    await page.unrouteAll({ behavior: "wait" });
    await widget.error.getByRole("button", { name: "Retry" }).click();
    await expect(await widget.lastAnswer()).toContainText(/visa|mastercard/i);
    await expect(widget.error).toHaveCount(0);
    await expect(widget.messages("user")).toHaveCount(1);
  });

  test("renders a script-injection attempt as text, live and after reload", async ({ page }) => {
    const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>${unique()}`;
    const widget = await ChatWidget.standalone(page, acme().widgetKey);
    await widget.ask(payload);
    await expect(widget.texts("user").last()).toHaveText(payload);
    await expect(widget.status).toHaveAttribute("data-phase", "idle", { timeout: 45_000 });
    await page.reload();
    const reloaded = new ChatWidget(page, page.locator(":root"));
    await reloaded.ready();
    await expect(reloaded.texts("user").last()).toHaveText(payload);
    await expect(reloaded.log.locator("img, script")).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  });
});

test.describe("chat widget, tenant isolation", () => {
  test("Globex's widget never shows Acme's answers, cached or stored", async ({ page, browser }) => {
    const question = UNANSWERABLE.isolation;
    const marker = `ACME-ONLY-${unique()}`;
    const acmeWidget = await ChatWidget.embedded(page, acme().widgetKey);
    const ticket = await escalate(acmeWidget, question);
    await resolveAs(page, "acme", ticket, `The handshake is ${marker}.`, { question, answer: `The handshake is ${marker}.` });
    await expect(acmeWidget.messages("human").last()).toContainText(marker, { timeout: 20_000 });
    const acmeVisitor = await readStoredVisitor(page, acme().widgetKey);

    // Control: Acme's next visitor gets the approved answer from Acme's cache.
    const acmeNext = await freshVisitor(browser);
    const control = await ChatWidget.standalone(acmeNext.page, acme().widgetKey);
    await control.ask(question);
    const cached = await control.lastAnswer();
    await expect(cached).toContainText(marker);
    await expect(cached).toContainText("Instant answer");
    await saveScreenshot(acmeNext.page, "widget-14-instant-answer");
    await acmeNext.context.close();

    const other = await freshVisitor(browser);
    const globexWidget = await ChatWidget.embedded(other.page, globex().widgetKey);
    await expect(ChatWidget.launcher(other.page)).toHaveCSS("background-color", "rgb(15, 118, 110)");
    await expect(globexWidget.root.getByRole("heading", { level: 1 })).toHaveText("Globex Bank Help");
    await globexWidget.ask(question);
    await expect(globexWidget.status).toHaveAttribute("data-phase", "idle", { timeout: 45_000 });
    await expect(globexWidget.log).not.toContainText(marker);
    await expect(globexWidget.log).not.toContainText("Instant answer");
    await saveScreenshot(other.page, "widget-15-other-tenant");
    await other.context.close();

    // An Acme conversation token planted under Globex's key must not open Acme's conversation.
    const planted = await freshVisitor(browser);
    await planted.page.addInitScript(
      ([key, value]) => localStorage.setItem(`support-widget:${key}`, value),
      [globex().widgetKey, acmeVisitor] as const,
    );
    const swapped = await ChatWidget.standalone(planted.page, globex().widgetKey);
    await expect(swapped.log).not.toContainText(question);
    await expect(swapped.log).not.toContainText(marker);
    await planted.context.close();
  });
});

/** The visitor record the widget keeps in the iframe's localStorage. */
async function readStoredVisitor(page: Page, widgetKey: string): Promise<string> {
  const frame = page.frames().find((f) => f.url().includes(`/w/${widgetKey}`));
  if (!frame) throw new Error("The widget iframe is not open");
  const value = await frame.evaluate((key) => localStorage.getItem(`support-widget:${key}`), widgetKey);
  if (!value) throw new Error("The widget stored no visitor");
  return value;
}

test.describe("widget.js on other sites", () => {
  test("works cross-origin, keeps to its shadow root and adds one global", async ({ page, baseURL }) => {
    const key = acme().widgetKey;
    const site = await startCustomerSite(`<!doctype html><html><head><title>Customer</title>
      <style>button{background:red!important;color:yellow!important;font-size:40px!important}iframe{border:12px solid red}</style>
      </head><body><h1>A customer's own page</h1><button id="host-button">Host button</button>
      <script src="${baseURL}/widget.js" data-key="${key}" async></script></body></html>`);
    try {
      await usesTheWidgetOn(page, site.url);
    } finally {
      await site.close();
    }
  });

  async function usesTheWidgetOn(page: Page, url: string) {
    await page.addInitScript(() => {
      (window as unknown as { __globalsBefore: string[] }).__globalsBefore = Object.getOwnPropertyNames(window);
    });
    await page.goto(url);
    const launcher = ChatWidget.launcher(page);
    await expect(launcher).toHaveCSS("background-color", "rgb(79, 70, 229)");
    await expect(page.locator("#host-button")).toHaveCSS("background-color", "rgb(255, 0, 0)");
    const added = await page.evaluate(() => {
      const before = new Set((window as unknown as { __globalsBefore: string[] }).__globalsBefore);
      return Object.getOwnPropertyNames(window).filter((name) => !before.has(name) && name !== "__globalsBefore");
    });
    expect(added).toEqual(["SupportWidget"]);

    await launcher.click();
    const widget = new ChatWidget(page, page.frameLocator('iframe[title^="Chat with"]').locator(":root"));
    await widget.ready();
    await widget.ask("Which regions are available?");
    await expect((await widget.lastAnswer()).getByTestId("sources")).toContainText("Servers and uptime");
  }

  test("serves a cacheable script; an unknown key adds nothing to the page", async ({ page, request }) => {
    const script = await request.get("/widget.js");
    expect(script.status()).toBe(200);
    expect(script.headers()["content-type"]).toContain("javascript");
    expect(script.headers()["cache-control"]).toMatch(/public, max-age=\d+/);

    expect((await request.get("/w/pk_unknown/branding")).status()).toBe(404);
    const chatPage = await page.goto("/w/pk_unknown");
    expect(chatPage?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This chat is not available" })).toBeVisible();

    const branding = page.waitForResponse((r) => r.url().includes("/w/pk_unknown/branding"));
    await page.goto("/demo/pk_unknown");
    expect((await branding).status()).toBe(404);
    await expect(page.locator("[data-support-widget]")).toHaveCount(0);
  });
});

test.describe("demo", () => {
  test("lists the demo tenants with their websites, chat pages and staff logins", async ({ page }) => {
    await page.goto("/demo");
    for (const tenant of [acme(), globex()]) {
      const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: tenant.name }) });
      await expect(card.getByRole("link", { name: "Visit the website" })).toHaveAttribute("href", `/demo/${tenant.widgetKey}`);
      await expect(card.getByRole("link", { name: "Chat page only" })).toHaveAttribute("href", `/w/${tenant.widgetKey}`);
      await expect(card).toContainText(staffOf(tenant, "agent").email);
    }
    await saveScreenshot(page, "demo-index", { fullPage: true });
    await page.goto(`/demo/${globex().widgetKey}`);
    await expect(page.locator("footer code")).toHaveText(`<script src="${new URL(page.url()).origin}/widget.js" data-key="${globex().widgetKey}" async></script>`);
  });
});

test.describe("chat widget on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("fills the screen and closes from its header", async ({ page }) => {
    const widget = await ChatWidget.embedded(page, globex().widgetKey);
    const frame = page.locator('iframe[title^="Chat with"]');
    const box = await frame.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await widget.ask("How do I block my card?");
    await widget.lastAnswer();
    await saveScreenshot(page, "widget-16-phone");
    await widget.root.getByRole("button", { name: "Close chat" }).click();
    await expect(frame).toBeHidden();
    await expect(ChatWidget.launcher(page)).toBeVisible();
  });
});
