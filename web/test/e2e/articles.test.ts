// End to end, as a news site would use it: pages of ANOTHER origin (a second static server on loopback, allowed
// by the server's Cors:AllowedOrigins, not by an open policy) embed the script tag. An article page gets a
// working thread on its first view by an article token the site signed; a front page shows live reply counts.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser";
import { Api, startServer, type TestServer } from "../support/server";

const signingKey = randomBytes(32).toString("base64");
const pages = new Map<string, string>();
let site: { server: Server; origin: string };
let server: TestServer;
let api: Api;
let browser: Browser;

/** The news site: serves whatever page a test put at a path. */
function startSite(): Promise<{ server: Server; origin: string }> {
  const host = createServer((request, response) => {
    const page = pages.get(request.url ?? "/");
    response.writeHead(page ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    response.end(page ?? "not found");
  });
  return new Promise((done) => host.listen(0, "127.0.0.1", () => {
    done({ server: host, origin: `http://localhost:${(host.address() as { port: number }).port}` });
  }));
}

/** An article token as the site's back end signs it: HS256 with the key it shares with the server, no `sub`. */
function articleToken(articleId: string, title: string, url: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({
    article_id: articleId, article_title: title, article_url: url, exp: Math.floor(Date.now() / 1000) + 600,
  })}`;
  return `${unsigned}.${createHmac("sha256", Buffer.from(signingKey, "utf8")).update(unsigned).digest("base64url")}`;
}

before(async () => {
  site = await startSite();
  server = await startServer({ Auth__SigningKey: signingKey, Cors__AllowedOrigins__0: site.origin });
  api = new Api(server.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  site?.server.close();
});

test("an article page of another origin gets its thread on first view, and a front page's counts follow replies live", async () => {
  assert.notEqual(site.origin, new URL(server.url).origin);
  const token = articleToken("4711", "Harbour library opens", `${site.origin}/news/4711`);
  const { token: annToken } = await api.token("Ann");
  pages.set("/news/4711", `<!doctype html><html lang="en"><title>Article 4711</title>
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <h1>Harbour library opens</h1>
    <live-thread article="4711" server="${server.url}"></live-thread>
    <script>document.querySelector("live-thread").articleToken = () => Promise.resolve(${JSON.stringify(token)});</script>`);
  pages.set("/", `<!doctype html><html lang="en"><title>Front page</title>
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <ul>
      <li>Harbour library opens <span class="count" data-livecommunity-count="4711"></span></li>
      <li>Another story <span class="count" data-livecommunity-count="4712"></span></li>
    </ul>
    <script>window.counting = LiveCommunity.counts({ server: ${JSON.stringify(server.url)} });</script>`);

  const context = await browser.newContext();
  try {
    const errors: string[] = [];
    const articlePage = await context.newPage();
    articlePage.on("pageerror", (error) => errors.push(error.message));
    await articlePage.goto(`${site.origin}/news/4711`);
    await articlePage.locator("live-thread .status[data-state=live]").waitFor({ timeout: 15_000 });
    await articlePage.locator("live-thread h1", { hasText: "Harbour library opens" }).waitFor();
    const topic = (await (await fetch(`${server.url}/api/articles/4711`)).json()) as { id: string; articleId: string; url: string };
    assert.equal(topic.articleId, "4711");
    assert.equal(topic.url, `${site.origin}/news/4711`);

    const front = await context.newPage();
    front.on("pageerror", (error) => errors.push(error.message));
    await front.goto(`${site.origin}/`);
    const count = front.locator("[data-livecommunity-count='4711']");
    await front.locator("[data-livecommunity-count='4711']", { hasText: "0 replies" }).waitFor({ timeout: 10_000 });
    assert.equal(await front.locator("[data-livecommunity-count='4712']").textContent(), "0 replies");
    await front.waitForFunction(() => (window as { counting?: Promise<unknown> }).counting !== undefined);
    await front.evaluate(() => (window as unknown as { counting: Promise<unknown> }).counting); // watching now

    await api.postReply(annToken, topic.id, "Finally a reading room by the sea");
    await front.locator("[data-livecommunity-count='4711']", { hasText: "1 reply" }).waitFor({ timeout: 15_000 });
    await articlePage.locator("live-thread .reply-body", { hasText: "Finally a reading room by the sea" }).waitFor({ timeout: 10_000 });
    await api.postReply(annToken, topic.id, "And the clock tower stays");
    await count.filter({ hasText: "2 replies" }).waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("an origin the server does not allow cannot read the counts", async () => {
  // The same page served from 127.0.0.1 instead of localhost: another origin, not in Cors:AllowedOrigins.
  const other = `http://127.0.0.1:${new URL(site.origin).port}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${other}/`);
    await page.waitForFunction(() => (window as { counting?: Promise<unknown> }).counting !== undefined);
    const refused = await page.evaluate(() => (window as unknown as { counting: Promise<unknown> }).counting.then(() => "read", () => "refused"));
    assert.equal(refused, "refused");
    assert.equal(await page.locator("[data-livecommunity-count='4711']").textContent(), "");
  } finally {
    await context.close();
  }
});
