import type { Page } from "@playwright/test";

/**
 * Makes the chat stream arrive slowly, one server-sent event every `delayMs`, in every
 * frame of the page. The real server answers in milliseconds; this lets a test see (and
 * screenshot) each state the widget passes through, without faking the answer itself.
 */
export async function slowDownChatStream(page: Page, delayMs: number): Promise<void> {
  await page.addInitScript((delay: number) => {
    const originalFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const response = await originalFetch(input, init);
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.includes("/chat/stream") || !response.ok || !response.body) return response;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const encoder = new TextEncoder();
      let buffer = "";
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            const end = buffer.indexOf("\n\n");
            if (end >= 0) {
              const event = buffer.slice(0, end + 2);
              buffer = buffer.slice(end + 2);
              await new Promise((resolve) => setTimeout(resolve, delay));
              controller.enqueue(encoder.encode(event));
              return;
            }
            const { done, value } = await reader.read();
            if (done) {
              if (buffer) controller.enqueue(encoder.encode(buffer));
              controller.close();
              return;
            }
            buffer += decoder.decode(value, { stream: true });
          }
        },
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }, delayMs);
}
