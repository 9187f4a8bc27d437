import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";

/** Where screenshots of the product's states go (kept by CI as test artifacts). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "..", "..", "e2e-artifacts");

/**
 * Saves e2e-artifacts/<name>.png of a page (the viewport, or the whole page with
 * fullPage) or of one element.
 */
export async function saveScreenshot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  if ("goto" in target) await target.screenshot({ path: file, fullPage: options.fullPage ?? false });
  else await target.screenshot({ path: file });
  return file;
}
