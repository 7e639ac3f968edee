// <live-notifications> in Chromium against a fake server at the page's network edge
// (test/support/browserFakeServer.ts): the bell, its list, keyboard use, live counts and axe.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import type { Notification } from "../../sdk/src/index";
import { describe, seriousViolations } from "../support/axe";
import { chromiumPages } from "../support/browser";
import { BrowserFakeServer, fakeToken } from "../support/browserFakeServer";
import { focused } from "../support/pages";

const { newPage } = chromiumPages();

let next = 0;
function notification(overrides: Partial<Notification> = {}): Notification {
  next++;
  return {
    id: `n${next}`, kind: "reply", topic: { id: "t1", title: "Tram line approved", articleId: "tram-1", url: "https://news.example/tram-1" },
    replyId: `r${next}`, from: { id: "u-ana", name: "Ana" }, excerpt: "I think so too", at: new Date(Date.now() - 5 * 60_000).toISOString(), read: false,
    ...overrides,
  };
}

/** A page with one <live-notifications> signed in as Ann (or anonymous), waited for until it has settled. */
async function openBell(server: BrowserFakeServer, attributes = "", token = fakeToken("u-ann", "Ann")): Promise<Page> {
  const page = await newPage();
  await server.open(page, `<header><h1>News</h1><live-notifications ${attributes}></live-notifications></header><main><p>Article</p></main>`);
  await page.evaluate((t) => {
    (document.querySelector("live-notifications") as HTMLElement & { accessToken: () => string }).accessToken = () => t;
  }, token);
  await page.locator(`live-notifications[data-state=${token ? "ready" : "anonymous"}]`).waitFor({ state: "attached" });
  return page;
}

const bell = (page: Page) => page.locator("live-notifications button.bell");
const items = (page: Page) => page.locator("live-notifications li.notification");

test("an anonymous reader sees no bell", async () => {
  const page = await openBell(new BrowserFakeServer(), "", "");
  assert.equal(await page.evaluate(() => document.querySelector("live-notifications")!.shadowRoot!.childElementCount), 0);
});

test("the bell's name says the unread count, the badge shows it, and a push raises it with an announcement", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [notification(), notification({ read: true })];
  const page = await openBell(server);
  await page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  assert.equal(await page.locator("live-notifications .badge-count").textContent(), "1");

  server.notify(notification({ from: { id: "u-ben", name: "Ben" } }));
  await page.getByRole("button", { name: "Notifications, 2 unread" }).waitFor();
  assert.equal(await page.locator("live-notifications .badge-count").textContent(), "2");
  assert.equal(await page.locator("live-notifications .announcer").textContent(), "New notification: Ben replied to you in Tram line approved");
  assert.equal(await page.locator("live-notifications .announcer").getAttribute("aria-live"), "polite");
});

test("Enter opens the list with the focus on its first item, Escape closes it and gives the focus back; Space opens it too", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [
    notification({ excerpt: "<img src=x onerror=alert(1)> indeed" }),
    notification({ kind: "featured", from: null, read: true }),
    notification({ kind: "approved", from: null, excerpt: undefined, read: true }),
  ];
  const page = await openBell(server);
  await bell(page).focus();
  assert.equal(await bell(page).getAttribute("aria-expanded"), "false");
  const controls = await bell(page).getAttribute("aria-controls");
  await page.keyboard.press("Enter");
  await items(page).first().waitFor();
  assert.equal(await bell(page).getAttribute("aria-expanded"), "true");
  assert.equal(await page.evaluate((id) => !!document.querySelector("live-notifications")!.shadowRoot!.getElementById(id!), controls), true, "aria-controls names the list's panel");
  await page.waitForFunction(() => document.querySelector("live-notifications")!.shadowRoot!.activeElement?.matches("a.item"));
  const first = await focused(page);
  assert.equal(first.tag, "a");
  assert.match(first.text, /^New\s*Ana replied to you\s*“<img src=x onerror=alert\(1\)> indeed”\s*in Tram line approved · 5 minutes ago$/, "markup in an excerpt is text");

  const texts = await items(page).allTextContents();
  assert.match(texts[1]!, /^Your reply was featured“I think so too”in Tram line approved/, "read: no New flag");
  assert.match(texts[2]!, /^Your reply was approved\(the reply was removed\)/);
  assert.equal(await items(page).nth(0).locator("a").getAttribute("href"), "https://news.example/tram-1", "the article's page by default");

  await page.keyboard.press("Escape");
  await page.locator("live-notifications .panel").waitFor({ state: "hidden" });
  assert.equal(await bell(page).getAttribute("aria-expanded"), "false");
  assert.equal((await focused(page)).classes, "bell", "focus back on the bell");

  await page.keyboard.press("Space");
  await page.locator("live-notifications .panel").waitFor({ state: "visible" });
  assert.equal(await bell(page).getAttribute("aria-expanded"), "true");
  await page.mouse.click(10, 700); // a click elsewhere on the page closes it too
  await page.locator("live-notifications .panel").waitFor({ state: "hidden" });
});

test("href-template makes the links from the page's own routes", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [notification({ id: "n-x", replyId: "r 1", topic: { id: "t/1", title: "T", articleId: null, url: null } })];
  const page = await openBell(server, `href-template="#/topics/{topicId}?reply={replyId}"`);
  await bell(page).click();
  assert.equal(await items(page).first().locator("a").getAttribute("href"), "#/topics/t%2F1?reply=r%201");
});

test("Mark all read marks up to the newest shown, clears the count and the New flags; another tab's read clears them too", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [notification(), notification()];
  const page = await openBell(server);
  await bell(page).click();
  await items(page).first().waitFor();
  assert.equal(await page.locator("live-notifications .new-flag").count(), 2);
  await page.getByRole("button", { name: "Mark all read" }).click();
  await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  assert.deepEqual(server.requests.filter((r) => r.method === "POST").map((r) => r.body), [{ upTo: server.notifications[0]!.id }]);
  assert.equal(await page.locator("live-notifications .new-flag").count(), 0);
  assert.equal(await page.locator("live-notifications .badge-count").isHidden(), true);
  assert.equal(await page.getByRole("button", { name: "Mark all read" }).getAttribute("aria-disabled"), "true");

  server.notify(notification());
  await page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  assert.equal(await items(page).count(), 3, "a push shows at the top of an open list");
  assert.equal(await items(page).first().locator(".new-flag").textContent(), "New");
  // Another tab of the same reader marks it read: the server tells every connection.
  for (const n of server.notifications) n.read = true;
  server.send("NotificationsRead", { unread: 0 });
  await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  assert.equal(await page.locator("live-notifications .new-flag").count(), 0);
});

test("Load more reads the next page and moves the focus to its first item", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [notification(), notification(), notification({ kind: "rejected", from: null })];
  const page = await openBell(server, `page-size="2"`);
  await bell(page).click();
  await items(page).nth(1).waitFor();
  assert.equal(await items(page).count(), 2);
  await page.getByRole("button", { name: "Load more" }).click();
  await items(page).nth(2).waitFor();
  assert.match(await items(page).nth(2).textContent() ?? "", /^NewYour reply was rejected/);
  assert.equal(await page.getByRole("button", { name: "Load more" }).isHidden(), true, "no further page");
  assert.match((await focused(page)).text, /Your reply was rejected/);
});

test("axe finds nothing serious with the list closed and open", async () => {
  const server = new BrowserFakeServer();
  server.notifications = [notification(), notification({ read: true, kind: "featured", from: null })];
  const page = await openBell(server);
  let violations = await seriousViolations(page);
  assert.equal(violations.length, 0, describe(violations));
  await bell(page).click();
  await items(page).nth(1).waitFor();
  violations = await seriousViolations(page);
  assert.equal(violations.length, 0, describe(violations));
});
