// <live-blog> on the demo's topic page, against the real server in Chromium: live updates newest first with
// pinned on top, the "N new updates" pill that never moves the list, key events, quotes, corrections, keyboard,
// axe, and Markdown that tries to run script.
import { build } from "esbuild";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, seriousViolations } from "../support/axe";
import { launchChromium } from "../support/browser";
import { focused, openTopicPage } from "../support/pages";
import { Api, startServer, type TestServer } from "../support/server";
import { LiveCommunity } from "../../sdk/src/index";

let server: TestServer;
let api: Api;
let browser: Browser;
let journalist: string;
let moderator: string;
const contexts: BrowserContext[] = [];

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  journalist = (await api.token("Jo", "journalist", "Reporter")).token;
  moderator = (await api.token("Mia", "moderator")).token;
  browser = await launchChromium();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

/** The demo's topic page (anonymous unless `name`), with its live blog live. */
async function blogPage(topicId: string, name?: string, role?: "journalist" | "member"): Promise<Page> {
  const opened = await openTopicPage(browser, api, topicId, name, role);
  contexts.push(opened.context);
  await opened.page.locator("live-blog .status[data-state=live]").waitFor({ state: "attached" });
  return opened.page;
}

const updateTexts = (page: Page) => page.locator("live-blog li.update .update-body").allTextContents();
const post = (topicId: string, body: string, extra: { pinned?: boolean; keyEvent?: boolean; quoteReplyId?: string } = {}) =>
  api.postUpdate(journalist, topicId, { body, ...extra });

test("updates arrive live newest first, pinned stays on top, a correction is marked, a removal vanishes; the newsroom posts from the page", async () => {
  const topic = await api.createTopic(moderator, "Election night");
  await post(topic.id, "Polls are open.", { pinned: true });
  const reader = await blogPage(topic.id);
  const desk = await blogPage(topic.id, "Jo", "journalist");

  await desk.getByRole("textbox", { name: "Update (Markdown)" }).fill("First *results* are in.");
  await desk.getByRole("button", { name: "Post update" }).click();
  await reader.locator("live-blog li.update", { hasText: "First results are in." }).waitFor();
  const second = await post(topic.id, "Turnout is high.");
  await reader.locator("live-blog li.update", { hasText: "Turnout is high." }).waitFor();
  assert.deepEqual(await updateTexts(reader), ["Polls are open.", "Turnout is high.", "First results are in."], "pinned on top, then newest first");
  assert.equal(await reader.locator("live-blog li.update em").textContent(), "results", "Markdown emphasis from the server's html");
  assert.match(await reader.locator("live-blog .announcer").textContent() ?? "", /^New update: Turnout is high\.$/);

  await api.editUpdate(journalist, second.id, { body: "Turnout is very high." });
  const corrected = reader.locator("live-blog li.update", { hasText: "Turnout is very high." });
  await corrected.locator(".corrected time").waitFor();
  assert.match(await corrected.locator(".corrected").textContent() ?? "", /^Corrected just now$/);

  await api.delete(journalist, `/api/updates/${second.id}`);
  await corrected.waitFor({ state: "detached" });
  assert.deepEqual(await updateTexts(reader), ["Polls are open.", "First results are in."]);
  assert.equal(await reader.locator("live-blog .announcer").textContent(), "", "a removed update leaves the announcer too");
});

test("a reader scrolled down gets an 'N new updates' pill and the list does not move; the pill shows them and goes to the top", async () => {
  const topic = await api.createTopic(moderator, "Storm warning");
  for (let i = 1; i <= 8; i++) await post(topic.id, `Update ${i}.\n\n${"The wind keeps rising along the coast. ".repeat(12)}`);
  const page = await blogPage(topic.id);
  const watched = page.locator("live-blog li.update", { hasText: "Update 4." });
  await watched.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  const before = (await watched.boundingBox())!.y;

  await post(topic.id, "Update 9: the bridge is closed.");
  await post(topic.id, "Update 10: trains stopped.");
  const pill = page.locator("live-blog button.new-updates", { hasText: "↑ 2 new updates" });
  await pill.waitFor();
  assert.equal((await watched.boundingBox())!.y, before, "the list stayed where the reader was");
  assert.equal(await page.locator("live-blog li.update", { hasText: "Update 9" }).count(), 0, "held under the pill");
  assert.equal(await page.locator("live-blog .announcer").textContent(), "↑ 2 new updates");

  await pill.focus();
  await page.keyboard.press("Enter");
  await pill.waitFor({ state: "hidden" });
  assert.deepEqual((await updateTexts(page)).slice(0, 2).map((t) => t.split(":")[0]), ["Update 10", "Update 9"]);
  assert.match((await focused(page)).text, /Update 10: trains stopped\./, "the keyboard is on the newest");
  assert.ok((await page.locator("live-blog").boundingBox())!.y > -5, "scrolled back to the blog's top");
});

test("the key-events list jumps to its update and focuses it, by keyboard; quotes show as text and leave with their reply; axe finds nothing", async () => {
  const topic = await api.createTopic(moderator, "Budget day");
  const { token: ann } = await api.token("Ann", "member");
  const question = await api.postReply(ann, topic.id, "Will the <b>tram</b> be funded?");
  await post(topic.id, "The minister stands up.", { keyEvent: true });
  for (let i = 1; i <= 6; i++) await post(topic.id, `Detail ${i}. ${"Numbers and more numbers. ".repeat(15)}`);
  await post(topic.id, "Answering readers: yes, it is.", { quoteReplyId: question.id, pinned: true });
  const page = await blogPage(topic.id);

  const quote = page.locator("live-blog li.update .quote");
  assert.equal(await quote.locator("blockquote").textContent(), "Will the <b>tram</b> be funded?", "the quoted reply as text");
  assert.match(await quote.locator("figcaption").textContent() ?? "", /Ann/);
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `serious or critical axe violations:\n${describe(violations)}`);

  const key = page.locator("live-blog .key-events button.key-link", { hasText: "The minister stands up." });
  await page.locator("live-blog .key-events").getByRole("button").first().focus();
  assert.equal((await focused(page)).tag, "button");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("live-blog")!.shadowRoot!.activeElement?.tagName === "ARTICLE");
  assert.match((await focused(page)).text, /The minister stands up\./);
  assert.ok(await key.isVisible());
  const box = (await page.locator("live-blog li.update", { hasText: "The minister stands up." }).boundingBox())!;
  assert.ok(box.y >= -1 && box.y < 900, "scrolled into view");

  await api.delete(moderator, `/api/replies/${question.id}?reason=spam`);
  await quote.waitFor({ state: "detached" });
  assert.equal(await page.locator("live-blog li.update", { hasText: "Answering readers" }).count(), 1, "the update stays, its quote leaves");
});

test("Markdown that tries to run script never does: no script, no on* attribute, no javascript: link in the element", async () => {
  const topic = await api.createTopic(moderator, "Hostile input");
  await post(topic.id, [
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 2\">",
    "[click me](javascript:window.__xss=3) and [a site](https://example.com/)",
    "<a href=\"javascript:window.__xss=4\" onclick=\"window.__xss=5\">raw</a> <b onmouseover=\"window.__xss=6\">bold</b>",
    "![pic](javascript:window.__xss=7)",
  ].join("\n\n"));
  const page = await blogPage(topic.id);
  await page.locator("live-blog li.update").waitFor();
  await post(topic.id, "<svg onload=\"window.__xss=8\"></svg><iframe src=\"javascript:window.__xss=9\"></iframe> live too");
  await page.locator("live-blog li.update", { hasText: "live too" }).waitFor();

  // What would run on a click or a hover, if anything had kept its href or handler.
  await page.locator("live-blog li.update a", { hasText: "click me" }).click();
  await page.locator("live-blog li.update", { hasText: "bold" }).hover();
  const found = await page.evaluate(() => {
    const root = document.querySelector("live-blog")!.shadowRoot!;
    const all = [...root.querySelectorAll("*")];
    return {
      flag: (window as { __xss?: unknown }).__xss ?? null,
      scripts: root.querySelectorAll("script, iframe, svg, img, object").length,
      handlers: all.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith("on")),
      hrefs: [...root.querySelectorAll("[href]")].map((a) => a.getAttribute("href")),
    };
  });
  assert.deepEqual(found, { flag: null, scripts: 0, handlers: [], hrefs: ["https://example.com/"] });
});

test("a reader's page gets the blog with the topic's first update; the element's own allow-list keeps only the server's tags and http(s) hrefs", async () => {
  const topic = await api.createTopic(moderator, "Defence in depth");
  const opened = await openTopicPage(browser, api, topic.id);
  contexts.push(opened.context);
  const page = opened.page;
  await page.locator("live-thread .readers", { hasText: "1 reading now" }).waitFor();
  assert.equal(await page.locator("live-blog").count(), 0, "no blog (and no second connection) while the topic has no updates");
  await post(topic.id, "We are *live*.");
  await page.locator("live-blog li.update", { hasText: "We are live." }).waitFor();
  await page.locator("live-blog .status[data-state=live]").waitFor({ state: "attached" });
  // The blog's connection holds an updates-only watch (WatchUpdates), which presence does not count: a Watch now
  // counts the page's thread and its own, not the blog.
  const observer = new LiveCommunity({ baseUrl: server.url });
  try {
    assert.equal((await observer.watch(topic.id)).watchers, 2, "the reader is counted once, with the blog open");
  } finally {
    await observer.close();
  }

  const { outputFiles } = await build({
    stdin: { contents: `import { updateHtml } from "./updateHtml"; (window as any).updateHtml = updateHtml;`, resolveDir: resolve(import.meta.dirname, "../../sdk/src/element"), loader: "ts" },
    bundle: true, write: false, format: "iife", platform: "browser", target: "es2022", logLevel: "warning",
  });
  await page.addScriptTag({ content: outputFiles[0]!.text });
  const out = await page.evaluate(() => {
    const render = (window as unknown as { updateHtml(html: string): DocumentFragment }).updateHtml;
    const box = document.createElement("div");
    box.append(render(`<p onclick="window.__xss=1">a <img src=x onerror="window.__xss=2"><script>window.__xss=3</script>` +
      `<a href="javascript:window.__xss=4" style="color:red">b</a> <a href="https://example.com/x" target="_top">c</a></p>` +
      `<h1>d</h1><ul><li><strong>e</strong></li></ul><iframe src="javascript:window.__xss=5"></iframe>`));
    return { html: box.innerHTML, flag: (window as { __xss?: unknown }).__xss ?? null };
  });
  assert.deepEqual(out, {
    html: `<p>a <a>b</a> <a href="https://example.com/x" rel="nofollow noopener noreferrer">c</a></p>d<ul><li><strong>e</strong></li></ul>`,
    flag: null,
  });
});
