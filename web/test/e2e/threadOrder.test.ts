// <live-thread>'s Oldest / Newest / Top choice and its "Muted (N)" list, against the real server in Chromium:
// operated by keyboard, checked with axe-core.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, seriousViolations } from "../support/axe";
import { launchChromium } from "../support/browser";
import { openTopicPage } from "../support/pages";
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
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function topicPage(topicId: string, name: string) {
  const opened = await openTopicPage(browser, api, topicId, name);
  contexts.push(opened.context);
  await opened.page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
  return opened.page;
}

const bodies = (page: Page) => page.locator("live-thread .reply-list > li .reply-body").allTextContents();

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `${what}: serious or critical axe violations:\n${describe(violations)}`);
}

test("Top order, chosen by keyboard, lists the highest score first; Newest turns the list round", async () => {
  const topic = await api.createTopic(moderatorToken, "Ranked replies");
  const writer = await api.token("Wes");
  const first = await api.postReply(writer.token, topic.id, "The first reply.");
  const liked = await api.postReply(writer.token, topic.id, "The most liked reply.");
  const insightful = await api.postReply(writer.token, topic.id, "An insightful reply.");
  for (const fan of ["Fan A", "Fan B", "Fan C"]) await api.react((await api.token(fan)).token, liked.id, "like"); // 3
  await api.react((await api.token("Fan D")).token, insightful.id, "insightful"); // 2
  await api.react((await api.token("Fan E")).token, first.id, "disagree"); // 0
  const page = await topicPage(topic.id, "Ranker");
  assert.deepEqual(await bodies(page), ["The first reply.", "The most liked reply.", "An insightful reply."]);

  const select = page.getByLabel("Sort replies");
  await select.focus();
  await page.keyboard.press("ArrowDown"); // Newest
  await page.locator("live-thread select.order:not([aria-busy])").waitFor();
  assert.equal(await select.inputValue(), "newest");
  assert.deepEqual(await bodies(page), ["An insightful reply.", "The most liked reply.", "The first reply."]);
  await page.keyboard.press("ArrowDown"); // Top
  await page.locator("live-thread select.order:not([aria-busy])").waitFor();
  assert.equal(await select.inputValue(), "top");
  assert.deepEqual(await bodies(page), ["The most liked reply.", "An insightful reply.", "The first reply."]);
  await assertAccessible(page, "a thread in top order");

  // A live reply does not jump into the ranking: a button says it came, and shows it by reloading.
  await api.postReply(writer.token, topic.id, "A late reply.");
  const pill = page.getByRole("button", { name: "1 new reply — show" });
  await pill.waitFor({ timeout: 10_000 });
  assert.equal((await bodies(page)).includes("A late reply."), false);
  await pill.focus();
  await page.keyboard.press("Enter");
  await page.locator("live-thread .reply", { hasText: "A late reply." }).waitFor({ timeout: 10_000 });
  assert.equal((await bodies(page)).at(-1), "A late reply.");
});

test("a reader mutes someone, finds them under Muted (1) and unmutes them by keyboard: their replies come back", async () => {
  const topic = await api.createTopic(moderatorToken, "Unmuting");
  const troll = await api.token("Trev");
  const friend = await api.token("Fay");
  await api.postReply(friend.token, topic.id, "A friendly reply.");
  await api.postReply(troll.token, topic.id, "A grumpy reply.");
  const page = await topicPage(topic.id, "Forgiving Reader");
  const muted = page.locator("live-thread details.muted-list");
  assert.equal(await muted.isHidden(), true);

  await page.locator("live-thread .reply", { hasText: "A grumpy reply." }).getByRole("button", { name: "Mute Trev" }).click();
  await page.locator("live-thread .reply", { hasText: "A grumpy reply." }).waitFor({ state: "detached", timeout: 10_000 });
  const summary = muted.locator("summary");
  await summary.waitFor();
  assert.equal(await summary.textContent(), "Muted (1)");
  await summary.focus();
  await page.keyboard.press("Enter"); // opens the disclosure
  const unmute = muted.getByRole("button", { name: "Unmute Trev" });
  await unmute.waitFor();
  await assertAccessible(page, "the muted list, open");
  await unmute.focus();
  await page.keyboard.press("Enter");
  await page.locator("live-thread .reply", { hasText: "A grumpy reply." }).waitFor({ timeout: 10_000 });
  await muted.waitFor({ state: "hidden" });
});
