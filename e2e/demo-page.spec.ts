import { expect, test } from "@playwright/test";
import { demoTenant } from "./support/demo-tenants";

test.describe("demo pages", () => {
  test("the widget script comes from the app's own origin, never from X-Forwarded-Host", async ({ request, baseURL }) => {
    const acme = demoTenant("acme");
    const response = await request.get(`/demo/${acme.widgetKey}`, {
      headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    });
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).not.toContain("evil.example");
    expect(html).toContain(`${baseURL}/widget.js`);
  });

  test("/demo lists the demo staff but none of their passwords", async ({ page }) => {
    await page.goto("/demo");
    const acme = demoTenant("acme");
    await expect(page.getByText(acme.staff[0].email)).toBeVisible();
    await expect(page.getByText("npm start prints them on its console", { exact: false }).first()).toBeVisible();
    const html = await page.content();
    for (const slug of ["acme", "globex"] as const) {
      for (const member of demoTenant(slug).staff) expect(html).not.toContain(member.password);
    }
  });
});
