// End to end against a real server: the demo header's <live-notifications> as a signed-in reader meets it. Another
// reader answers her reply and the bell counts it, the list links to the topic, Mark all read clears the count
// in her other tab too (through the server's NotificationsRead), axe-core finds nothing serious, and the
// keyboard alone opens and closes the list.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, seriousViolations } from "../support/axe";
import { launchChromium } from "../support/browser";
import { focused, openDemo } from "../support/pages";
import { Api, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  browser = await launchChromium();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

/** The demo's front page signed in as `name`, its bell ready. */
async function demoAs(name: string): Promise<Page> {
  const opened = await openDemo(browser, api, "", name);
  contexts.push(opened.context);
  opened.page.setDefaultTimeout(10_000);
  await opened.page.locator("live-notifications[data-state=ready]").waitFor({ state: "attached" });
  return opened.page;
}

const bell = (page: Page) => page.locator("live-notifications button.bell");

/** A new topic with a reply by `author`; `answer()` posts another reader's answer to it. */
async function replyBy(author: string, title: string, text: string) {
  const moderator = await api.token("Mia", "moderator");
  const topic = await api.createTopic(moderator.token, title);
  const reply = await api.postReply((await api.token(author)).token, topic.id, text);
  return { topic, answer: async (name: string, body: string) => api.postReply((await api.token(name)).token, topic.id, body, reply.id) };
}

test("a reply to the reader's reply rings the bell in both her tabs; the list links to it; Mark all read clears both", async () => {
  const { topic, answer } = await replyBy("Ann", "Night buses return to the harbour line", "Finally, I work late shifts.");

  const first = await demoAs("Ann");
  const second = await demoAs("Ann");
  await first.getByRole("button", { name: "Notifications", exact: true }).waitFor();

  await answer("Ben", "Same here, the last bus at 23:10 was useless.");
  await first.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  await second.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  assert.equal(await first.locator("live-notifications .badge-count").textContent(), "1");
  assert.match(await first.locator("live-notifications .announcer").textContent() ?? "", /^New notification: Ben replied to you in Night buses/);

  await bell(first).click();
  const item = first.locator("live-notifications li.notification").first();
  await item.waitFor();
  assert.match(await item.textContent() ?? "", /^NewBen replied to you“Same here, the last bus at 23:10 was useless\.”in Night buses return to the harbour line/);
  assert.equal(await item.locator("a").getAttribute("href"), `#/topics/${encodeURIComponent(topic.id)}`, "the demo's topic page (its href-template)");
  const violations = await seriousViolations(first);
  assert.equal(violations.length, 0, describe(violations));

  await first.getByRole("button", { name: "Mark all read" }).click();
  await first.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  await second.getByRole("button", { name: "Notifications", exact: true }).waitFor(); // told by the server
  assert.equal(await first.locator("live-notifications .new-flag").count(), 0);

  // The link leads to the thread, where Ben's reply is.
  await item.locator("a").click();
  await first.locator("live-thread .reply", { hasText: "last bus at 23:10" }).waitFor();
});

test("keyboard only: Enter opens the list and moves into it, Escape closes it and gives the focus back; Space opens it", async () => {
  const { answer } = await replyBy("Cy", "Library hours extended", "Good news for students.");
  await answer("Dee", "And for shift workers.");

  const page = await demoAs("Cy");
  await page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  await bell(page).focus();
  await page.keyboard.press("Enter");
  assert.equal(await bell(page).getAttribute("aria-expanded"), "true");
  await page.waitForFunction(() => document.querySelector("live-notifications")!.shadowRoot!.activeElement?.matches("a.item"));
  assert.match((await focused(page)).text, /Dee replied to you/);
  await page.keyboard.press("Escape");
  assert.equal(await bell(page).getAttribute("aria-expanded"), "false");
  assert.equal((await focused(page)).classes, "bell");
  await page.keyboard.press("Space");
  assert.equal(await bell(page).getAttribute("aria-expanded"), "true");
  await page.keyboard.press("Escape");
  assert.equal((await focused(page)).classes, "bell");
});

test("an anonymous visitor has no bell", async () => {
  const opened = await openDemo(browser, api, "");
  contexts.push(opened.context);
  await opened.page.locator("live-notifications[data-state=anonymous]").waitFor({ state: "attached" });
  assert.equal(await opened.page.locator("live-notifications button").count(), 0);
});
