import { expect, type APIRequestContext } from "@playwright/test";

/**
 * A staff member acting through the HTTP API (no browser): what the Control Center does
 * on "Approve & send". Lets widget tests make a human answer happen without the UI.
 */
export class StaffApi {
  private constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

  static async signIn(request: APIRequestContext, credentials: { email: string; password: string }): Promise<StaffApi> {
    const response = await request.post("/api/auth/sign-in", { data: credentials });
    expect(response.status(), await response.text()).toBe(200);
    return new StaffApi(request, ((await response.json()) as { token: string }).token);
  }

  private get headers() {
    return { authorization: `Bearer ${this.token}` };
  }

  /** The id of the tenant's ticket with this number (as the widget shows it). */
  async ticketIdByNumber(ticketNumber: number): Promise<string> {
    const response = await this.request.get("/admin/tickets", { headers: this.headers });
    expect(response.status(), await response.text()).toBe(200);
    const { tickets } = (await response.json()) as { tickets: Array<{ id: string; number: number }> };
    const ticket = tickets.find((t) => t.number === ticketNumber);
    if (!ticket) throw new Error(`No ticket #${ticketNumber} visible to this staff member`);
    return ticket.id;
  }

  /** Answers and closes; `reusable` also teaches the cache (the reply alone never does). */
  async resolve(
    ticketId: string,
    answer: string,
    options: { notifyEmail?: boolean; reusable?: { question: string; answer: string } } = {},
  ): Promise<void> {
    const response = await this.request.post(`/admin/tickets/${ticketId}/resolve`, {
      headers: this.headers,
      data: { answer, notify_email: options.notifyEmail ?? false, reusable: options.reusable ?? null },
    });
    expect(response.status(), await response.text()).toBe(200);
  }
}
