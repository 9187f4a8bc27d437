import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The end user's chat, either embedded in a (demo) customer site through widget.js, or
 * the standalone page /w/{key}. Both expose the same chat through `root`.
 */
export class ChatWidget {
  readonly input: Locator;
  readonly send: Locator;
  readonly log: Locator;
  readonly status: Locator;
  readonly waitingCard: Locator;
  readonly error: Locator;

  constructor(
    readonly page: Page,
    readonly root: Locator,
  ) {
    this.input = root.getByRole("textbox", { name: "Your message" });
    this.send = root.getByRole("button", { name: "Send message" });
    this.log = root.getByRole("log", { name: "Conversation" });
    this.status = root.getByTestId("chat-status");
    this.waitingCard = root.getByTestId("waiting-for-agent");
    this.error = root.getByTestId("chat-error");
  }

  /** The launcher widget.js adds to the host page (inside its shadow root). */
  static launcher(page: Page): Locator {
    return page.getByRole("button", { name: /^(Open|Close) chat with/ });
  }

  /** Opens a demo customer site and the chat through its launcher, as a visitor would. */
  static async embedded(page: Page, widgetKey: string, sitePath = `/demo/${widgetKey}`): Promise<ChatWidget> {
    await page.goto(sitePath);
    await ChatWidget.launcher(page).click();
    const frame = page.frameLocator('iframe[title^="Chat with"]');
    const widget = new ChatWidget(page, frame.locator(":root"));
    await widget.ready();
    return widget;
  }

  static async standalone(page: Page, widgetKey: string): Promise<ChatWidget> {
    await page.goto(`/w/${widgetKey}`);
    const widget = new ChatWidget(page, page.locator(":root"));
    await widget.ready();
    return widget;
  }

  /** Session opened and the stored history shown. */
  async ready(): Promise<void> {
    await expect(this.root.locator('[data-widget-state="ready"]')).toBeVisible();
    await expect(this.root.getByText("Loading your conversation…")).toHaveCount(0);
  }

  async ask(question: string): Promise<void> {
    await this.input.fill(question);
    await this.send.click();
  }

  /** The message bubbles of one sender (including their labels and sources). */
  messages(sender: "user" | "ai" | "human" | "system"): Locator {
    return this.log.locator(`[data-sender="${sender}"]`);
  }

  /** Just the message text of those bubbles, as the sender wrote it. */
  texts(sender: "user" | "ai" | "human" | "system"): Locator {
    return this.messages(sender).locator("[data-message-text]");
  }

  /** Waits until the question is settled (answered or handed over), then returns the last AI bubble. */
  async lastAnswer(): Promise<Locator> {
    await expect(this.status).toHaveAttribute("data-phase", "idle", { timeout: 45_000 });
    return this.messages("ai").last();
  }

  async ticketNumber(): Promise<number> {
    const text = await this.waitingCard.getByTestId("ticket-number").innerText();
    const match = /#(\d+)/.exec(text);
    if (!match) throw new Error(`No ticket number in "${text}"`);
    return Number(match[1]);
  }
}
