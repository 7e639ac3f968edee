// Debian's Chromium driven by playwright-core (no browser download here).
import { after, afterEach, before } from "node:test";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // playwright gives each launch a fresh temporary profile (user-data-dir)
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * One Chromium for a test file, started before its tests and closed after them, and fresh pages (each in its own
 * context, closed after each test) that report page errors.
 */
export function chromiumPages(): { newPage(options?: BrowserContextOptions): Promise<Page> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    async newPage(options = {}) {
      const context = await browser!.newContext({ viewport: { width: 900, height: 800 }, ...options });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      page.on("pageerror", (error) => console.error("page error:", error.message));
      return page;
    },
  };
}
