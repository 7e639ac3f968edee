// End to end: the demo page and <live-thread> in headless Chromium against a real server.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../support/browser";
import { Api, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
let browser: Browser;
let moderatorToken: string;
const contexts: BrowserContext[] = [];

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  moderatorToken = (await api.token("Mia", "moderator")).token;
  browser = await launchChromium();
  // One write before the timed tests, so the first measured reply does not pay for the server's warm-up.
  const warmUp = await api.createTopic(moderatorToken, "Warm-up");
  await api.postReply(moderatorToken, warmUp.id, "warming up");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page of the demo, signed in through the dev-token picker's session (or anonymous). */
async function openTopic(topicId: string, name?: string, role: "member" | "moderator" = "member"): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  contexts.push(context);
  if (name) {
    const { token, userId } = await api.token(name, role);
    const session = JSON.stringify({ name, role, token, userId });
    await context.addInitScript((s) => sessionStorage.setItem("livecommunity:session", s), session);
  }
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error (${name ?? "anonymous"}):`, error.message));
  await page.goto(`${server.url}/#/topics/${encodeURIComponent(topicId)}`);
  await page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
  return { page, context };
}

const reply = (page: Page, text: string) => page.locator("live-thread .reply", { hasText: text });

/** Posts through the composer and waits until the reply is in the poster's own list. */
async function post(page: Page, text: string): Promise<void> {
  await page.locator("live-thread textarea").fill(text);
  await page.locator("live-thread .composer button[type=submit]").click();
  await page.locator("live-thread .reply-body").filter({ hasText: text }).first().waitFor({ timeout: 5_000 });
}

test("a reply posted on one page shows on the other within a second", async () => {
  const topic = await api.createTopic(moderatorToken, "Live replies", "Body", ["https://example.com/story"]);
  const ann = await openTopic(topic.id, "Ann");
  const ben = await openTopic(topic.id, "Ben");
  await ben.page.getByText("No replies in this topic yet.").waitFor();

  await ann.page.locator("live-thread textarea").fill("First!");
  await ann.page.locator("live-thread .composer button[type=submit]").click();
  const started = Date.now();
  await reply(ben.page, "First!").waitFor({ timeout: 1_000 });
  assert.ok(Date.now() - started < 1_000);
  await ben.page.getByText("Replies (1)").waitFor();
  assert.equal(await ben.page.getByText("No replies in this topic yet.").isVisible(), false);
  assert.match(await ben.page.locator("live-thread .announcer").textContent() ?? "", /New reply from Ann: First!/);
  await ben.page.locator("live-thread .readers", { hasText: "2 reading now" }).waitFor();
});

test("reactions and removals reach every page", async () => {
  const topic = await api.createTopic(moderatorToken, "Reactions and moderation");
  const ann = await openTopic(topic.id, "Ann");
  const ben = await openTopic(topic.id, "Ben");
  const mia = await openTopic(topic.id, "Mia", "moderator");
  await post(ann.page, "Keep me");
  await post(ann.page, "Remove me");
  for (const { page } of [ann, ben, mia]) await reply(page, "Remove me").waitFor();

  await reply(ben.page, "Keep me").locator("button[data-kind=like]").click();
  await reply(ann.page, "Keep me").locator("button[data-kind=like] .count", { hasText: "1" }).waitFor({ timeout: 2_000 });
  await ben.page.locator("live-thread .topic .reactions button[data-kind=insightful]").click();
  await ann.page.locator("live-thread .topic .reactions button[data-kind=insightful] .count", { hasText: "1" }).waitFor({ timeout: 2_000 });

  const doomed = reply(mia.page, "Remove me");
  await doomed.locator("button.remove").click();
  await doomed.locator("input[name=reason]").fill("off topic");
  assert.match(await ben.page.locator("live-thread .announcer").textContent() ?? "", /Remove me/);
  await doomed.locator("button.confirm").click();
  for (const { page } of [ann, ben, mia]) await reply(page, "Remove me").waitFor({ state: "detached", timeout: 2_000 });
  // Its text is gone from the screen reader's live region too.
  for (const { page } of [ann, ben, mia]) assert.doesNotMatch(await page.locator("live-thread .announcer").textContent() ?? "", /Remove me/);
  assert.equal(await reply(ben.page, "Keep me").count(), 1);
  await ben.page.getByText("Replies (1)").waitFor();
});

test("a reply is shown as text, never run as HTML", async () => {
  const topic = await api.createTopic(moderatorToken, "Markup");
  const ann = await openTopic(topic.id, "Ann");
  const ben = await openTopic(topic.id, "Ben");
  const evil = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
  await post(ann.page, evil);
  for (const { page } of [ann, ben]) {
    const body = page.locator("live-thread .reply-body").first();
    await body.waitFor();
    assert.equal(await body.textContent(), evil);
    assert.equal(await page.locator("live-thread .reply img, live-thread .reply script").count(), 0);
  }
  await ben.page.reload();
  await reply(ben.page, "window.__pwned").waitFor();
  await new Promise((r) => setTimeout(r, 300));
  for (const { page } of [ann, ben]) assert.equal(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined);
});

test("after going offline and back, every reply shows once, in order", async () => {
  const topic = await api.createTopic(moderatorToken, "Offline");
  const { token } = await api.token("Ann");
  const ben = await openTopic(topic.id, "Ben");
  await api.postReply(token, topic.id, "reply 1");
  await reply(ben.page, "reply 1").waitFor();

  await ben.context.setOffline(true);
  await ben.page.locator("live-thread .status[data-state=reconnecting]").waitFor({ timeout: 5_000 });
  for (let i = 2; i <= 5; i++) await api.postReply(token, topic.id, `reply ${i}`);
  await ben.context.setOffline(false);
  await ben.page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
  await reply(ben.page, "reply 5").waitFor({ timeout: 5_000 });

  const bodies = await ben.page.locator("live-thread .reply-body").allTextContents();
  assert.deepEqual(bodies, ["reply 1", "reply 2", "reply 3", "reply 4", "reply 5"]);
  await ben.page.getByText("Replies (5)").waitFor();
});

test("<live-thread> works on a host page of another origin", async () => {
  const topic = await api.createTopic(moderatorToken, "Embedded");
  const { token } = await api.token("Ann");
  const host = await serveHostPage(`<!doctype html><title>Host</title>
    <style>live-thread { --lc-accent: rebeccapurple; }</style>
    <h1>A news site</h1>
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <live-thread topic="${topic.id}" server="${server.url}"></live-thread>
    <script>
      LiveCommunity.allowTokenFor(${JSON.stringify(server.url)});
      document.querySelector("live-thread").accessToken = () => ${JSON.stringify(token)};
    </script>`);
  try {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(host.url);
    assert.notEqual(new URL(host.url).origin, new URL(server.url).origin);
    await page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
    await page.locator("live-thread h1", { hasText: "Embedded" }).waitFor();
    assert.equal(await page.evaluate(() => typeof (window as { LiveCommunity?: unknown }).LiveCommunity), "function");

    await post(page, "from the host page");
    await reply(page, "from the host page").waitFor({ timeout: 2_000 });
    await api.postReply(token, topic.id, "from elsewhere");
    await reply(page, "from elsewhere").waitFor({ timeout: 2_000 });
  } finally {
    host.server.close();
  }
});

test("<live-thread> sends no token to a server the host page did not allow", async () => {
  const topic = await api.createTopic(moderatorToken, "Not allowed");
  const { token } = await api.token("Ann");
  const host = await serveHostPage(`<!doctype html><title>Host</title>
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <live-thread topic="${topic.id}" server="${server.url}"></live-thread>
    <script>document.querySelector("live-thread").accessToken = () => ${JSON.stringify(token)};</script>`);
  try {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const leaks: string[] = [];
    const warnings: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes(token) || JSON.stringify(request.headers()).includes(token)) leaks.push(request.url());
    });
    page.on("websocket", (socket) => {
      if (socket.url().includes(token)) leaks.push(socket.url());
    });
    page.on("console", (message) => {
      if (message.type() === "warning") warnings.push(message.text());
    });
    await page.goto(host.url);
    await page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
    // It reads anonymously: the thread is there, the composer is not.
    await page.locator("live-thread h1", { hasText: "Not allowed" }).waitFor();
    await page.locator("live-thread .sign-in-hint").waitFor();
    assert.equal(await page.locator("live-thread textarea").count(), 0);
    assert.deepEqual(leaks, []);
    assert.ok(warnings.some((w) => w.includes("allowTokenFor")), `warnings: ${warnings.join(" | ")}`);
  } finally {
    host.server.close();
  }
});

test("a reader scrolled up gets an 'N new replies' pill instead of a jump", async () => {
  const topic = await api.createTopic(moderatorToken, "Long thread");
  const { token } = await api.token("Ann");
  for (let i = 1; i <= 12; i++) await api.postReply(token, topic.id, `older reply ${i}`);
  const { page } = await openTopic(topic.id, "Ben");
  await reply(page, "older reply 12").waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  const pill = page.locator("live-thread .new-pill");
  assert.equal(await pill.isVisible(), false);
  await api.postReply(token, topic.id, "news 1");
  await api.postReply(token, topic.id, "news 2");
  await page.locator("live-thread .new-pill", { hasText: "2 new replies" }).waitFor({ timeout: 2_000 });
  await pill.click();
  await pill.waitFor({ state: "hidden", timeout: 3_000 });
  await reply(page, "news 2").waitFor();
});

test("screenshot of the topic page", async () => {
  const topic = await api.createTopic(moderatorToken, "City council approves the new tram line after a two-year debate",
    "The council voted 31 to 14 on Tuesday night to build the east–west tram line. Construction is planned to start next spring; the first trams would run in 2029.\n\nOpponents argue the budget is too optimistic.",
    ["https://example.com/news/tram-line", "https://example.org/council/minutes"]);
  const people = await Promise.all(["Ann", "Ben", "Chloé"].map((n) => api.token(n)));
  await api.postReply(people[0]!.token, topic.id, "Finally! The 14 bus is packed every morning.");
  await api.postReply(people[1]!.token, topic.id, "Two years of debate and the budget still looks like a guess. Who pays when it runs over?");
  await api.postReply(people[2]!.token, topic.id, "The minutes (second source) say the state covers 60%. Worth a read before arguing.");
  const { page } = await openTopic(topic.id, "Mia", "moderator");
  await reply(page, "Worth a read").waitFor();
  await reply(page, "Finally!").locator("button[data-kind=like]").click();
  await reply(page, "Finally!").locator("button[data-kind=like] .count", { hasText: "1" }).waitFor();
  const path = resolve(import.meta.dirname, "../../../docs/screenshot-topic.png");
  mkdirSync(resolve(path, ".."), { recursive: true });
  await page.screenshot({ path, fullPage: true });
});

function serveHostPage(html: string): Promise<{ url: string; server: Server }> {
  const host = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(html);
  });
  // "localhost" vs the server's 127.0.0.1: another origin, as an embedding news site would be.
  return new Promise((done) => host.listen(0, "127.0.0.1", () => {
    const { port } = host.address() as { port: number };
    done({ url: `http://localhost:${port}/`, server: host });
  }));
}
