// End to end, as a reader meets it: the live front page, the topic page's look on desktop and phone in light
// and dark, own reactions from the server, the reply box's limit, no failing request on load, axe-core with
// no serious or critical violations, and the keyboard alone.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, seriousViolations } from "../support/axe";
import { launchChromium } from "../support/browser";
import { focused, openDemo, openTopicPage, serveHostPage } from "../support/pages";
import { Api, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
let browser: Browser;
let moderatorToken: string;
const contexts: BrowserContext[] = [];
const docs = resolve(import.meta.dirname, "../../../docs");

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

async function topicPage(topicId: string, name?: string, role: "member" | "moderator" = "member", options = {}) {
  const opened = await openTopicPage(browser, api, topicId, name, role, options);
  contexts.push(opened.context);
  return opened;
}

async function frontPage(name?: string, role: "member" | "moderator" = "member", options = {}) {
  const opened = await openDemo(browser, api, "", name, role, options);
  contexts.push(opened.context);
  await opened.page.locator(".live-state[data-state=live]").waitFor({ timeout: 10_000 });
  return opened;
}

const replyItem = (page: Page, text: string) => page.locator("live-thread .reply", { hasText: text });

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `${what}: serious or critical axe violations:\n${describe(violations)}`);
}

// First, so the front page shows only its own stories.
test("screenshots: the front page, and the topic page on a phone in dark mode", async () => {
  mkdirSync(docs, { recursive: true });
  const people = await Promise.all(["Ann", "Ben", "Chloé", "Dev"].map((n) => api.token(n)));
  const stories: [string, string, string[], number][] = [
    ["Harbour town turns its old ferry terminal into a public library", "After two years of consultations the council approved the plan.", ["https://example.org/news/ferry-terminal-library"], 3],
    ["Regional rail operator trials phone-free quiet carriages", "Two quiet carriages per train on the busiest commuter line.", ["https://example.org/news/quiet-carriages"], 1],
    ["Volunteers count a record number of swifts under city bridges", "Organisers credit nest boxes installed during repairs.", ["https://example.org/news/swift-survey"], 0],
  ];
  const created = [];
  for (const [title, body, sources, replies] of stories) {
    const topic = await api.createTopic(moderatorToken, title, body, sources);
    for (let i = 0; i < replies; i++) await api.postReply(people[i % people.length]!.token, topic.id, `Reply ${i + 1} to "${title.slice(0, 20)}"`);
    created.push(topic);
  }
  const { page } = await frontPage("Ann");
  await page.locator(".topic-item", { hasText: "Harbour town" }).waitFor();
  const readers = await Promise.all([topicPage(created[0]!.id, "Ben"), topicPage(created[0]!.id, "Dev")]);
  await page.locator(".topic-item", { hasText: "Harbour town" }).locator(".reading", { hasText: "2 reading now" }).waitFor({ timeout: 5_000 });
  await api.createTopic(moderatorToken, "Town hall opens its budget spreadsheet to residents", "Comment line by line before the vote.");
  await page.locator(".new-topics", { hasText: "1 new topic" }).waitFor();
  await page.waitForTimeout(1_500); // let the highlights fade
  await page.screenshot({ path: resolve(docs, "screenshot-front.png"), fullPage: true });
  for (const reader of readers) await reader.context.close();

  const topic = await api.createTopic(moderatorToken, "City council approves the new tram line after a two-year debate",
    "The council voted 31 to 14 on Tuesday night to build the east–west tram line. Construction is planned to start next spring.",
    ["https://www.example.com/news/tram-line", "https://example.org/council/minutes"]);
  await api.postReply(people[0]!.token, topic.id, "Finally! The 14 bus is packed every morning.");
  await api.postReply(people[1]!.token, topic.id, "Who pays when it runs over budget?");
  const phone = await topicPage(topic.id, "Ben", "member", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, colorScheme: "dark" });
  await replyItem(phone.page, "Finally!").locator("button[data-kind=like]").click();
  await replyItem(phone.page, "Finally!").locator("button[data-kind=like][aria-pressed=true]").waitFor();
  await phone.page.locator("live-thread textarea").fill("The minutes say the state covers 60%.");
  await phone.page.screenshot({ path: resolve(docs, "screenshot-topic-phone-dark.png"), fullPage: true });
});

test("a reader's own reactions are pressed in a fresh browser session, and pressing again takes them back", async () => {
  const topic = await api.createTopic(moderatorToken, "Own reactions");
  const { token } = await api.token("Ann");
  await api.postReply(token, topic.id, "React to me");

  const first = await topicPage(topic.id, "Kai");
  const like = replyItem(first.page, "React to me").locator("button[data-kind=like]");
  assert.equal(await like.getAttribute("aria-pressed"), "false");
  await like.click();
  await replyItem(first.page, "React to me").locator("button[data-kind=like][aria-pressed=true] .count", { hasText: "1" }).waitFor();
  await first.page.locator("live-thread .topic button[data-kind=insightful]").click();
  await first.page.locator("live-thread .topic button[data-kind=insightful][aria-pressed=true]").waitFor();

  // Another browser (a new session, nothing stored): the server says what Kai has set.
  const second = await topicPage(topic.id, "Kai");
  const again = replyItem(second.page, "React to me").locator("button[data-kind=like]");
  assert.equal(await again.getAttribute("aria-pressed"), "true");
  assert.equal(await second.page.locator("live-thread .topic button[data-kind=insightful]").getAttribute("aria-pressed"), "true");
  assert.equal(await replyItem(second.page, "React to me").locator("button[data-kind=disagree]").getAttribute("aria-pressed"), "false");
  await again.click();
  await replyItem(second.page, "React to me").locator("button[data-kind=like][aria-pressed=false] .count", { hasText: "0" }).waitFor();
  // ...and the first browser sees the count fall, its own button following the server's word on the next load.
  await replyItem(first.page, "React to me").locator("button[data-kind=like] .count", { hasText: "0" }).waitFor({ timeout: 3_000 });
  // Someone else's view: nothing pressed.
  const other = await topicPage(topic.id, "Lou");
  assert.equal(await other.page.locator("live-thread .topic button[data-kind=insightful]").getAttribute("aria-pressed"), "false");
});

test("a badge shows next to its author's name, as text, on the topic, a loaded reply and a live one", async () => {
  const reporter = await api.token("Rita", "moderator", "Reporter");
  const topic = await api.createTopic(reporter.token, "Badges in the thread");
  await api.postReply(reporter.token, topic.id, "Loaded with the page.");
  const { page } = await topicPage(topic.id, "Reader");
  const meta = page.locator("live-thread .meta .author-badge");
  assert.equal(await meta.textContent(), "Reporter");
  assert.equal(await replyItem(page, "Loaded with the page.").locator(".author-badge").textContent(), "Reporter");

  // Markup in a badge stays text: the host site's label can never inject elements.
  const sly = await api.token("Sly", "member", "<b>Staff</b>");
  await api.postReply(sly.token, topic.id, "Arrived live.");
  const live = replyItem(page, "Arrived live.");
  await live.waitFor({ timeout: 10_000 });
  assert.equal(await live.locator(".author-badge").textContent(), "<b>Staff</b>");
  assert.equal(await live.locator(".author-badge b").count(), 0);
  await assertAccessible(page, "a thread with badges");
});

test("a moderator features a reply: it rises into the Featured strip for every reader, live, and leaves it on Unfeature", async () => {
  const topic = await api.createTopic(moderatorToken, "Featured replies");
  const writer = await api.token("Wes");
  await api.postReply(writer.token, topic.id, "An ordinary reply.");
  await api.postReply(writer.token, topic.id, "The reply worth lifting.");
  const { page: reader } = await topicPage(topic.id, "Reader");
  const { page: staff } = await topicPage(topic.id, "Mia", "moderator");
  const readerStrip = reader.locator("live-thread section.featured");
  assert.equal(await readerStrip.isHidden(), true);
  assert.equal(await replyItem(reader, "The reply worth lifting.").locator("button.feature").count(), 0);

  await replyItem(staff, "The reply worth lifting.").locator("button.feature").click();
  await readerStrip.locator(".featured-reply", { hasText: "The reply worth lifting." }).waitFor({ timeout: 10_000 });
  assert.equal(await readerStrip.locator(".featured-reply").count(), 1);
  await assertAccessible(reader, "a thread with a featured reply");

  const unfeature = replyItem(staff, "The reply worth lifting.").locator("button.feature", { hasText: "Unfeature" });
  await unfeature.click();
  await readerStrip.waitFor({ state: "hidden", timeout: 10_000 });
});

test("a reader mutes another: their replies go at once, live ones never show, and a reload keeps them out", async () => {
  const topic = await api.createTopic(moderatorToken, "Muting");
  const troll = await api.token("Trev");
  const friend = await api.token("Fay");
  await api.postReply(friend.token, topic.id, "A friendly reply.");
  await api.postReply(troll.token, topic.id, "A trolling reply.");
  const { page } = await topicPage(topic.id, "Quiet Reader");
  await replyItem(page, "A trolling reply.").getByRole("button", { name: "Mute Trev" }).click();
  await replyItem(page, "A trolling reply.").waitFor({ state: "detached", timeout: 10_000 });

  await api.postReply(troll.token, topic.id, "Trolling live.");
  await api.postReply(friend.token, topic.id, "Friendly live.");
  await replyItem(page, "Friendly live.").waitFor({ timeout: 10_000 });
  assert.equal(await replyItem(page, "Trolling live.").count(), 0);

  await page.reload();
  await page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
  await replyItem(page, "Friendly live.").waitFor({ timeout: 10_000 });
  assert.equal(await replyItem(page, "Trolling").count(), 0);
});

test("no request fails and nothing is logged as an error while pages load", async () => {
  const topic = await api.createTopic(moderatorToken, "Quiet console", "Body", ["https://example.com/a"]);
  const { token } = await api.token("Ann");
  await api.postReply(token, topic.id, "a reply");
  const host = await serveHostPage(`<!doctype html><html lang="en"><title>Host</title><link rel="icon" href="data:,">
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <live-thread topic="${topic.id}" server="${server.url}"></live-thread>`);
  const problems: string[] = [];
  /** Opens `url` in a new browser context that reports every failed request, error status and console error. */
  const visit = async (what: string, url: string, live: string, session?: { name: string; role: string }) => {
    const context = await browser.newContext();
    contexts.push(context);
    context.on("requestfailed", (request) => problems.push(`${what}: failed ${request.method()} ${request.url()} (${request.failure()?.errorText})`));
    context.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${what}: ${response.status()} ${response.request().method()} ${response.url()}`);
    });
    context.on("console", (message) => {
      if (message.type() === "error") problems.push(`${what}: console error ${message.text()}`);
    });
    context.on("weberror", (error) => problems.push(`${what}: page error ${error.error().message}`));
    if (session) {
      const { token: t, userId } = await api.token(session.name, session.role as "member");
      // Not on the blank page a context starts with, where sessionStorage is off limits.
      await context.addInitScript((s) => location.origin !== "null" && sessionStorage.setItem("livecommunity:session", s), JSON.stringify({ ...session, token: t, userId }));
    }
    const page = await context.newPage();
    await page.goto(url);
    await page.locator(live).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500); // late requests (the config, the socket) have their say too
  };
  try {
    const topicUrl = `${server.url}/#/topics/${encodeURIComponent(topic.id)}`;
    const liveThread = "live-thread .status[data-state=live]";
    await visit("front page, anonymous", `${server.url}/`, ".live-state[data-state=live]");
    await visit("front page, moderator", `${server.url}/`, ".live-state[data-state=live]", { name: "Mia", role: "moderator" });
    await visit("topic page, anonymous", topicUrl, liveThread);
    await visit("topic page, member", topicUrl, liveThread, { name: "Ann", role: "member" });
    await visit("embed on another origin", host.url, liveThread);
    await visit("moderation queue", `${server.url}/#/queue`, "moderation-queue .status[data-state=live]", { name: "Mia", role: "moderator" });
    assert.deepEqual(problems, []);
  } finally {
    host.server.close();
  }
});

test("the reply box counts characters against the server's limit and says so before sending", async () => {
  const topic = await api.createTopic(moderatorToken, "Long replies");
  const { page } = await topicPage(topic.id, "Ann");
  const textarea = page.locator("live-thread textarea");
  const count = page.locator("live-thread .char-count");
  const submit = page.locator("live-thread .composer button[type=submit]");
  await count.getByText("0 / 5,000").waitFor();
  assert.equal(await textarea.getAttribute("maxlength"), null, "the reader may type past the limit and is told, not cut off");

  await textarea.fill("Hello");
  await count.getByText("5 / 5,000").waitFor();
  assert.equal(await submit.isDisabled(), false);

  await textarea.fill("x".repeat(5_001));
  await count.getByText("5,001 / 5,000: 1 too many").waitFor();
  assert.equal(await submit.isDisabled(), true);
  assert.equal(await textarea.getAttribute("aria-invalid"), "true");
  // Screen readers hear it once typing pauses (a live region), and the textarea is described by the count.
  await page.locator("live-thread .char-count [aria-live]", { hasText: "1 character over the limit of 5,000" }).waitFor({ timeout: 3_000 });
  const describedBy = await textarea.getAttribute("aria-describedby");
  assert.equal(await page.locator(`live-thread #${describedBy}`).textContent(), "5,001 / 5,000: 1 too many");
  // Ctrl+Enter still submits the form: it says why nothing is sent.
  await textarea.press("Control+Enter");
  await page.locator("live-thread .composer .error", { hasText: "1 character too long: at most 5,000" }).waitFor();
  assert.equal(await page.locator("live-thread .reply").count(), 0);

  // Surrounding whitespace does not count, as on the server.
  await textarea.fill(`  ${"y".repeat(5_000)}\n`);
  await count.getByText("5,000 / 5,000").waitFor();
  assert.equal(await textarea.getAttribute("aria-invalid"), null);
  await submit.click();
  await page.locator("live-thread .reply").first().waitFor({ timeout: 5_000 });
  await page.getByText("Replies (1)").waitFor();
});

test("the topic page: breadcrumb, category, avatar, exact times, sources by site, counters", async () => {
  const topic = await api.createTopic(moderatorToken, "Ferry terminal becomes a library", "Two years of consultations.",
    ["https://www.example.com/news/ferry-library?ref=front", "https://example.org/council/minutes"]);
  const { page } = await topicPage(topic.id, "Ann");
  const crumbs = await page.locator("nav[aria-label=Breadcrumb] li").allTextContents();
  assert.deepEqual(crumbs, ["Community", "News"]);
  assert.equal(await page.locator("live-thread .category").textContent(), "News");
  assert.equal(await page.locator("live-thread .topic .meta .avatar").textContent(), "M");
  assert.equal(await page.locator("live-thread .topic .meta .author").textContent(), "Mia");
  const time = page.locator("live-thread .topic .meta time");
  assert.equal(await time.getAttribute("datetime"), topic.createdAt);
  const exact = (await time.getAttribute("title")) ?? "";
  assert.match(exact, /\d{4}/, "the exact date and time on hover");
  assert.notEqual(exact, await time.textContent());
  assert.equal(await page.locator("live-thread .sources h2").textContent(), "Sources");
  assert.deepEqual(await page.locator("live-thread .source-list a").allTextContents(), ["example.com", "example.org"]);
  assert.deepEqual(await page.locator("live-thread .source-list .source-path").allTextContents(), ["/news/ferry-library?ref=front", "/council/minutes"]);
  assert.equal(await page.locator("live-thread .source-list a").first().getAttribute("href"), "https://www.example.com/news/ferry-library?ref=front");
  await page.locator("live-thread .replies-counter", { hasText: "0 replies" }).waitFor();
  await page.locator("live-thread .readers", { hasText: "1 reading now" }).waitFor();
  await page.getByText("Replies (0)").waitFor();
  await page.getByText("No replies in this topic yet.").waitFor();

  await api.postReply((await api.token("Ben")).token, topic.id, "One");
  await page.locator("live-thread .replies-counter", { hasText: "1 reply" }).waitFor();
  await page.getByText("Replies (1)").waitFor();
  assert.equal(await page.getByText("No replies in this topic yet.").isVisible(), false);
  assert.equal(await replyItem(page, "One").locator(".avatar").textContent(), "B");
  assert.ok(await replyItem(page, "One").locator("time[datetime][title]").count());
});

test("phone and desktop layouts, light and dark", async () => {
  const topic = await api.createTopic(moderatorToken, "Layouts", "Body", ["https://example.com/x"]);
  const desktop = await topicPage(topic.id, "Ann");
  const phone = await topicPage(topic.id, "Ann", "member", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "dark" });
  const bar = (page: Page) => page.locator("live-thread .bar").evaluate((e) => getComputedStyle(e).flexDirection);
  assert.equal(await bar(desktop.page), "row");
  assert.equal(await bar(phone.page), "column");
  // Nothing wider than the phone's screen.
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "no sideways scrolling on a phone");
  const background = (page: Page) => page.locator("live-thread").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await background(desktop.page), "rgb(255, 255, 255)");
  assert.equal(await background(phone.page), "rgb(24, 25, 26)");
  const text = (page: Page) => page.locator("live-thread .title").evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(await text(desktop.page), await text(phone.page));
});

test("the front page: new topics wait under an 'N new topics' pill, counts and readers move live", async () => {
  const older = await api.createTopic(moderatorToken, "Already there");
  const { page } = await frontPage();
  await page.locator(".topic-item", { hasText: "Already there" }).waitFor();
  const pill = page.locator(".new-topics");
  assert.equal(await pill.isVisible(), false);

  const fresh = await api.createTopic(moderatorToken, "Breaking: bridge reopens");
  const second = await api.createTopic(moderatorToken, "Breaking: tram approved");
  await pill.getByText("2 new topics").waitFor({ timeout: 5_000 });
  assert.equal(await page.locator(".topic-item", { hasText: "Breaking" }).count(), 0, "the list does not jump under the reader");
  await pill.click();
  await pill.waitFor({ state: "hidden" });
  const titles = await page.locator(".topic-item .topic-title").allTextContents();
  assert.deepEqual(titles.slice(0, 3), ["Breaking: tram approved", "Breaking: bridge reopens", "Already there"]);
  assert.equal(await focused(page).then((f) => f.text), "Breaking: tram approved", "the keyboard goes to the newest topic");

  const item = page.locator(".topic-item", { hasText: "bridge reopens" });
  await item.locator(".replies", { hasText: "0 replies" }).waitFor();
  const { token } = await api.token("Ann");
  await api.postReply(token, fresh.id, "Finally");
  await api.postReply(token, fresh.id, "About time");
  await item.locator(".replies", { hasText: "2 replies" }).waitFor({ timeout: 5_000 });
  const reader = await topicPage(fresh.id, "Ben");
  await item.locator(".reading", { hasText: "1 reading now" }).waitFor({ timeout: 5_000 });
  await reader.page.locator("live-thread .topic button[data-kind=like]").click();
  await item.locator(".reactions", { hasText: "1 reaction" }).waitFor({ timeout: 5_000 });
  await reader.context.close();
  await item.locator(".reading").waitFor({ state: "hidden", timeout: 5_000 });
  assert.equal(await page.locator(".topic-item", { hasText: "Already there" }).locator(".replies").textContent(), "0 replies");
  assert.ok(older.id && second.id);
});

test("axe: the front page, a topic page and the embed have no serious or critical violations", async () => {
  const topic = await api.createTopic(moderatorToken, "Accessible", "Body text.", ["https://example.com/story"]);
  const { token } = await api.token("Ann");
  await api.postReply(token, topic.id, "A reply to check");
  for (const colorScheme of ["light", "dark"] as const) {
    const front = await frontPage("Mia", "moderator", { colorScheme });
    await front.page.locator(".topic-item").first().waitFor();
    await api.createTopic(moderatorToken, `New while reading (${colorScheme})`);
    await front.page.locator(".new-topics:not([hidden])").waitFor();
    await assertAccessible(front.page, `front page (${colorScheme})`);

    const member = await topicPage(topic.id, "Ann", "member", { colorScheme });
    await replyItem(member.page, "A reply to check").waitFor();
    await assertAccessible(member.page, `topic page, member (${colorScheme})`);
    const moderator = await topicPage(topic.id, "Mia", "moderator", { colorScheme, viewport: { width: 390, height: 844 } });
    await replyItem(moderator.page, "A reply to check").waitFor();
    await assertAccessible(moderator.page, `topic page, moderator on a phone (${colorScheme})`);
    const anonymous = await topicPage(topic.id, undefined, "member", { colorScheme });
    await assertAccessible(anonymous.page, `topic page, anonymous (${colorScheme})`);
  }

  const host = await serveHostPage(`<!doctype html><html lang="en"><title>A news site</title>
    <main><h1>A news site</h1>
    <script src="${server.url}/sdk/livecommunity.js"></script>
    <live-thread topic="${topic.id}" server="${server.url}" category="Local"></live-thread>
    <script>
      LiveCommunity.allowTokenFor(${JSON.stringify(server.url)});
      document.querySelector("live-thread").accessToken = () => ${JSON.stringify(token)};
    </script></main>`);
  try {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(host.url);
    await page.locator("live-thread .status[data-state=live]").waitFor({ timeout: 10_000 });
    await replyItem(page, "A reply to check").waitFor();
    await assertAccessible(page, "embed on another origin");
  } finally {
    host.server.close();
  }
});

test("axe: the moderation queue and the report dialog have no serious or critical violations", async () => {
  const topic = await api.createTopic(moderatorToken, "Queue accessibility");
  const [ann, ben] = await Promise.all([api.token("Ann"), api.token("Ben")]);
  const reported = await api.postReply(ann.token, topic.id, "Reported for the queue");
  const response = await fetch(`${server.url}/api/replies/${reported.id}/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${ben.token}` },
    body: JSON.stringify({ reason: "spam", note: "the same text elsewhere" }),
  });
  assert.equal(response.status, 200);
  for (const colorScheme of ["light", "dark"] as const) {
    const { page } = await openDemo(browser, api, "#/queue", "Mia", "moderator", { colorScheme });
    contexts.push(page.context());
    await page.locator("moderation-queue .status[data-state=live]").waitFor({ timeout: 10_000 });
    await page.locator("moderation-queue .queue-item", { hasText: "Reported for the queue" }).waitFor();
    await assertAccessible(page, `moderation queue (${colorScheme})`);

    const reader = await topicPage(topic.id, "Cleo", "member", { colorScheme });
    await replyItem(reader.page, "Reported for the queue").locator("button.report").click();
    await reader.page.getByRole("dialog").waitFor();
    await assertAccessible(reader.page, `report dialog (${colorScheme})`);
  }
});

test("keyboard only: Tab to the reply box, post, react with Enter and Space, report a reply", async () => {
  const topic = await api.createTopic(moderatorToken, "Keyboard");
  await api.postReply((await api.token("Ann")).token, topic.id, "Report me with the keyboard");
  const { page } = await topicPage(topic.id, "Kim");
  await replyItem(page, "Report me with the keyboard").waitFor();
  const tabTo = async (what: string, found: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
    for (let presses = 0; !found(await focused(page)); presses++) {
      assert.ok(presses < 40, `${what} is reachable with Tab`);
      await page.keyboard.press("Tab");
    }
  };

  await tabTo("the reply box", (f) => f.tag === "textarea");
  await page.keyboard.type("Typed without a mouse");
  await page.keyboard.press("Tab");
  assert.deepEqual(await focused(page).then((f) => [f.tag, f.type, f.text]), ["button", "submit", "Post reply"]);
  await page.keyboard.press("Enter");
  await replyItem(page, "Typed without a mouse").waitFor({ timeout: 5_000 });
  assert.equal(await page.locator("live-thread textarea").inputValue(), "");

  // The next stop after the composer is the first reply's first reaction.
  await page.keyboard.press("Tab");
  let now = await focused(page);
  assert.deepEqual([now.kind, now.pressed, now.inReply], ["like", "false", "Report me with the keyboard"]);
  await page.keyboard.press("Enter");
  const annsLike = replyItem(page, "Report me with the keyboard").locator("button[data-kind=like]");
  await replyItem(page, "Report me with the keyboard").locator("button[data-kind=like][aria-pressed=true] .count", { hasText: "1" }).waitFor();
  now = await focused(page);
  assert.deepEqual([now.kind, now.pressed], ["like", "true"], "the keyboard stays on the button it pressed");
  await page.waitForTimeout(400); // the coalesced ReactionsChanged re-renders the reply once more
  await page.keyboard.press("Space");
  await replyItem(page, "Report me with the keyboard").locator("button[data-kind=like][aria-pressed=false] .count", { hasText: "0" }).waitFor();
  now = await focused(page);
  assert.deepEqual([now.kind, now.pressed], ["like", "false"]);
  assert.equal(await annsLike.getAttribute("aria-pressed"), "false");

  // Report it: the dialog opens on the first reason, Space picks it, Tab reaches "Send report".
  await tabTo("Report", (f) => f.classes.includes("report") && f.inReply === "Report me with the keyboard");
  await page.keyboard.press("Enter");
  await page.getByRole("dialog").waitFor();
  now = await focused(page);
  assert.equal(now.tag, "input", "focus starts on the first reason");
  await page.keyboard.press("Space");
  await tabTo("Send report", (f) => f.text === "Send report");
  await page.keyboard.press("Enter");
  await page.getByRole("dialog").waitFor({ state: "detached", timeout: 5_000 });
  now = await focused(page);
  assert.deepEqual([now.text, now.inReply], ["Reported", "Report me with the keyboard"], "focus goes back to the button, which says Reported");
});
