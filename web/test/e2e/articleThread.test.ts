// <live-thread article="…"> in Chromium against a fake server at the page's network edge: it finds the
// article's topic, creates it with an article token on first view, and says so when there is none yet.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { chromiumPages } from "../support/browser";
import { BrowserFakeServer } from "../support/browserFakeServer";

const { newPage } = chromiumPages();

async function open(server: BrowserFakeServer, markup: string): Promise<Page> {
  const page = await newPage();
  await server.open(page, markup);
  return page;
}

const calls = (server: BrowserFakeServer) => server.requests.map((r) => `${r.method} ${r.path}`);

test("<live-thread article>: an article with a discussion shows it, and no token is needed", async () => {
  const server = new BrowserFakeServer();
  server.answers.set("GET /api/articles/4711", [200, { ...server.topic, articleId: "4711" }]);
  const page = await open(server, `<live-thread article="4711"></live-thread>`);
  await page.locator("live-thread .status[data-state=live]").waitFor();
  assert.equal(await page.locator("live-thread h2, live-thread h1").first().textContent(), "Tram line approved");
  assert.ok(!calls(server).includes("POST /api/articles/resolve"));
});

test("<live-thread article>: without a token it says there is no discussion yet; a token given later creates it", async () => {
  const server = new BrowserFakeServer();
  const page = await open(server, `<live-thread article="4711"></live-thread>`);
  await page.locator("live-thread").getByText("There is no discussion for this article yet.").waitFor();
  assert.deepEqual(calls(server), ["GET /api/articles/4711"]);

  server.answers.set("POST /api/articles/resolve", [201, { ...server.topic, articleId: "4711" }]);
  await page.evaluate(() => {
    (document.querySelector("live-thread") as HTMLElement & { articleToken: () => Promise<string> }).articleToken = () => Promise.resolve("signed-by-the-site");
  });
  await page.locator("live-thread .status[data-state=live]").waitFor();
  assert.deepEqual(server.requests.find((r) => r.path === "/api/articles/resolve")?.body, { token: "signed-by-the-site" });
  assert.equal(await page.locator("live-thread").getByText("There is no discussion for this article yet.").count(), 0);
});

test("<live-thread article>: a token the server refuses is said in the element, not thrown at the page", async () => {
  const server = new BrowserFakeServer();
  server.answers.set("POST /api/articles/resolve", [401, { title: "Unauthorized", status: 401, detail: "the article token is not valid" }]);
  const page = await open(server, `<live-thread article="4711"></live-thread><script>document.querySelector("live-thread").articleToken = "forged";</script>`);
  await page.locator("live-thread .error").getByText("the article token is not valid").waitFor();
});
