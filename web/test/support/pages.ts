// Pages for the browser tests: the demo signed in through its session (as the dev-token picker leaves it) and
// host pages of another origin that embed <live-thread>.
import { createServer, type Server } from "node:http";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import type { Api } from "./server";

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
}

/** A fresh browser context (its own sessionStorage) on a demo URL, signed in as `name` when given. */
export async function openDemo(
  browser: Browser, api: Api, path: string, name?: string, role: "member" | "moderator" | "admin" | "journalist" = "member",
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...options });
  if (name) {
    const { token, userId } = await api.token(name, role);
    const session = JSON.stringify({ name, role, token, userId });
    // Not on the blank page a context starts with, where sessionStorage is off limits.
    await context.addInitScript((s) => location.origin !== "null" && sessionStorage.setItem("livecommunity:session", s), session);
  }
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error (${name ?? "anonymous"}):`, error.message));
  await page.goto(`${api.url}/${path}`);
  return { page, context };
}

/** A topic page of the demo, waited for until it is live. */
export async function openTopicPage(
  browser: Browser, api: Api, topicId: string, name?: string, role: "member" | "moderator" | "admin" | "journalist" = "member",
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const opened = await openDemo(browser, api, `#/topics/${encodeURIComponent(topicId)}`, name, role, options);
  await opened.page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
  return opened;
}

/** Serves one HTML page at http://localhost:PORT/: another origin than the server's 127.0.0.1, as a news site would be. */
export function serveHostPage(html: string): Promise<{ url: string; server: Server }> {
  const host = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(html);
  });
  return new Promise((done) => host.listen(0, "127.0.0.1", () => {
    const { port } = host.address() as { port: number };
    done({ url: `http://localhost:${port}/`, server: host });
  }));
}

/** The element that has the keyboard focus, looking into shadow roots. */
export function focused(page: Page): Promise<{ tag: string; kind?: string; pressed?: string | null; type?: string; text: string; classes: string; inReply: string | null }> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const element = active as HTMLElement | null;
    return {
      tag: element?.tagName.toLowerCase() ?? "",
      kind: element?.dataset.kind,
      pressed: element?.getAttribute("aria-pressed"),
      type: element?.getAttribute("type") ?? undefined,
      text: element?.textContent?.trim() ?? "",
      classes: element?.className ?? "",
      inReply: element?.closest(".reply")?.querySelector(".reply-body")?.textContent ?? null,
    };
  });
}
