// End to end: reader reports from <live-thread>, automatic hiding, pre-moderation, and the moderators'
// <moderation-queue> on the demo page, in headless Chromium against a real server that hides a reply after
// two distinct reporters.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Reply, Topic } from "../../sdk/src/index";
import { launchChromium } from "../support/browser";
import { Api, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
let browser: Browser;
let moderator: { token: string; userId: string };
const contexts: BrowserContext[] = [];

before(async () => {
  // Fresh accounts have no standing (Moderation:MinReporterAge); standing itself is tested in ReportAbuseTests.
  server = await startServer({ Moderation__HideAfterReports: "2", Moderation__MinReporterAge: "00:00:00" });
  api = new Api(server.url);
  moderator = await api.token("Mia", "moderator");
  browser = await launchChromium();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

/** A page of the demo at `hash`, signed in through the dev-token picker's session (or anonymous). */
async function openDemo(hash: string, name?: string, role: "member" | "moderator" = "member"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  contexts.push(context);
  if (name) {
    const { token, userId } = await api.token(name, role);
    await context.addInitScript((s) => sessionStorage.setItem("livecommunity:session", s), JSON.stringify({ name, role, token, userId }));
  }
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => console.error(`page error (${name ?? "anonymous"}):`, error.message));
  await page.goto(`${server.url}/${hash}`);
  return page;
}

async function openTopic(topicId: string, name?: string): Promise<Page> {
  const page = await openDemo(`#/topics/${encodeURIComponent(topicId)}`, name);
  await page.locator("live-thread .status[data-state=live]").waitFor();
  return page;
}

async function openQueue(): Promise<Page> {
  const page = await openDemo("#/queue", "Mia", "moderator");
  await page.locator("moderation-queue .status[data-state=live]").waitFor();
  return page;
}

const reply = (page: Page, text: string) => page.locator("live-thread .reply", { hasText: text });
const queueItem = (page: Page, text: string) => page.locator("moderation-queue .queue-item", { hasText: text });

/** REST calls the set-up needs beyond the shared Api helper. */
async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(server.url + path, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Reports through the Report dialog of `<live-thread>` (the dialog closes once the server took it). */
async function reportFromPage(page: Page, text: string, reasonLabel: string, note?: string): Promise<void> {
  await reply(page, text).locator("button.report").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: reasonLabel }).check();
  if (note) await dialog.getByRole("textbox", { name: "Note for the moderators" }).fill(note);
  await dialog.getByRole("button", { name: "Send report" }).click();
  await dialog.waitFor({ state: "detached" });
}

test("readers report from <live-thread>; at the second reporter the reply disappears live; a moderator's approval brings it back live", async () => {
  const topic = await api.createTopic(moderator.token, "Reports hide a reply");
  const carl = await api.token("Carl");
  await api.postReply(carl.token, topic.id, "Keep this one");
  await api.postReply(carl.token, topic.id, "BUY CHEAP WATCHES");
  const ann = await openTopic(topic.id, "Ann");
  const ben = await openTopic(topic.id, "Ben");
  const dora = await openTopic(topic.id, "Dora");
  await reply(dora, "BUY CHEAP WATCHES").waitFor();

  await reportFromPage(ann, "BUY CHEAP WATCHES", "Spam or advertising", "a link farm");
  await reply(ann, "BUY CHEAP WATCHES").locator("button.report", { hasText: "Reported" }).waitFor();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await reply(dora, "BUY CHEAP WATCHES").count(), 1, "one report: still visible");

  await reportFromPage(ben, "BUY CHEAP WATCHES", "Abuse or harassment");
  for (const page of [dora, ann, ben]) await reply(page, "BUY CHEAP WATCHES").waitFor({ state: "detached", timeout: 3_000 });
  assert.equal(await reply(dora, "Keep this one").count(), 1);
  await dora.getByText("Replies (1)").waitFor();

  // The moderator finds it in the Reported queue, hidden, with both reasons, and approves it.
  const mia = await openQueue();
  const item = queueItem(mia, "BUY CHEAP WATCHES");
  await item.waitFor();
  assert.equal(await item.getByText("Hidden from readers").count(), 1);
  assert.deepEqual((await item.locator(".reasons li").allTextContents()).sort(), ["Abuse: 1", "Spam: 1"]);
  assert.equal(await item.locator(".report-count").textContent(), "2 reports");
  assert.equal(await item.locator(".topic-title").textContent(), topic.title);
  await mia.locator("#queue-link .queue-count", { hasText: /^[1-9]/ }).waitFor();

  await item.getByRole("button", { name: "Approve Carl's reply" }).click();
  await item.waitFor({ state: "detached" });
  await reply(dora, "BUY CHEAP WATCHES").waitFor({ timeout: 3_000 });
  assert.deepEqual(await dora.locator("live-thread .reply-body").allTextContents(), ["Keep this one", "BUY CHEAP WATCHES"], "back in its place");
  await dora.getByText("Replies (2)").waitFor();
});

test("a moderator's reject in <moderation-queue> removes a reported reply live from readers' pages", async () => {
  const topic = await api.createTopic(moderator.token, "Reject removes a reply");
  const carl = await api.token("Carl");
  const ann = await api.token("Ann");
  const doomed = await api.postReply(carl.token, topic.id, "You are all fools");
  await call("POST", `/api/replies/${doomed.id}/reports`, ann.token, { reason: "abuse" });
  const dora = await openTopic(topic.id, "Dora");
  await reply(dora, "You are all fools").waitFor();

  const mia = await openQueue();
  const item = queueItem(mia, "You are all fools");
  await item.waitFor();
  assert.equal(await item.getByText("Hidden from readers").count(), 0, "one report: not hidden");
  await item.getByRole("button", { name: "Reject Carl's reply" }).click();
  const dialog = mia.getByRole("dialog", { name: "Reject Carl's reply" });
  await dialog.getByRole("textbox", { name: /Reason/ }).fill("insults");
  await dialog.getByRole("button", { name: "Reject" }).click();
  await item.waitFor({ state: "detached" });
  await reply(dora, "You are all fools").waitFor({ state: "detached", timeout: 3_000 });
  await dora.getByText("Replies (0)").waitFor();
});

test("a premoderated topic: the author sees 'Awaiting review', another reader nothing, until a moderator approves", async () => {
  const topic = await api.createTopic(moderator.token, "Premoderated");
  const updated = await call<Topic>("PUT", `/api/topics/${topic.id}/premoderation`, moderator.token);
  assert.equal(updated.premoderated, true);
  const ann = await openTopic(topic.id, "Ann");
  const ben = await openTopic(topic.id, "Ben");
  const mia = await openQueue();

  await ann.locator("live-thread textarea").fill("Is the budget public?");
  await ann.locator("live-thread .composer button[type=submit]").click();
  const held = reply(ann, "Is the budget public?");
  await held.getByText("Awaiting review").waitFor();
  assert.equal(await held.locator("button").count(), 0);

  // The moderator's Pending tab counts it and lists it live; the reader sees nothing.
  await mia.getByRole("tab", { name: /Pending/ }).click();
  const item = queueItem(mia, "Is the budget public?");
  await item.waitFor({ timeout: 3_000 });
  assert.equal(await mia.getByRole("tab", { name: /Pending/ }).locator(".count").textContent(), "1");
  assert.equal(await reply(ben, "Is the budget public?").count(), 0);
  assert.equal(await ben.locator("live-thread .reply").count(), 0);
  await ben.reload();
  await ben.locator("live-thread .status[data-state=live]").waitFor();
  assert.equal(await reply(ben, "Is the budget public?").count(), 0, "not over REST either");

  await item.getByRole("button", { name: "Approve Ann's reply" }).click();
  await reply(ben, "Is the budget public?").waitFor({ timeout: 3_000 });
  await held.getByText("Awaiting review").waitFor({ state: "detached", timeout: 3_000 });
  await ben.getByText("Replies (1)").waitFor();
  await ann.getByText("Replies (1)").waitFor();
  assert.equal(await reply(ann, "Is the budget public?").count(), 1, "shown once");
});

test("screenshot of the moderation queue", async () => {
  const topic = await api.createTopic(moderator.token, "City council approves the new tram line after a two-year debate");
  const other = await api.createTopic(moderator.token, "Heatwave: the city opens cooling centres");
  const [ann, ben, carl, dana] = await Promise.all(["Ann", "Ben", "Carl", "Dana"].map((n) => api.token(n)));
  const spam = await api.postReply(carl!.token, topic.id, "Make $500 a day from home!!! Visit my profile for the secret.");
  const rude = await api.postReply(dana!.token, other.id, "Anyone who complains about the heat is an idiot.");
  await api.postReply(ann!.token, topic.id, "Finally! The 14 bus is packed every morning.");
  await call("POST", `/api/replies/${spam.id}/reports`, ann!.token, { reason: "spam" });
  await call("POST", `/api/replies/${spam.id}/reports`, ben!.token, { reason: "spam", note: "same text in five topics" });
  await call("POST", `/api/replies/${rude.id}/reports`, ben!.token, { reason: "abuse" });
  await call<Topic>("PUT", `/api/topics/${other.id}/premoderation`, moderator.token);
  const pending = await call<Reply>("POST", `/api/topics/${other.id}/replies`, ann!.token, { body: "Where is the nearest cooling centre?" });
  assert.equal(pending.status, "pending");

  const page = await openQueue();
  await queueItem(page, "Make $500").waitFor();
  await queueItem(page, "Anyone who complains").waitFor();
  await page.locator("#queue-link .queue-count", { hasText: /^[1-9]/ }).waitFor();
  const path = resolve(import.meta.dirname, "../../../docs/screenshot-queue.png");
  mkdirSync(resolve(path, ".."), { recursive: true });
  await page.screenshot({ path, fullPage: true });
});
