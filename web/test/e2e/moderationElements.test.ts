// The report dialog of <live-thread> and the <moderation-queue> element in Chromium, against a fake server at
// the page's network edge (test/support/browserFakeServer.ts): every answer is staged, nothing else runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import type { QueueItem } from "../../sdk/src/index";
import { chromiumPages } from "../support/browser";
import { BrowserFakeServer, fakeReply, fakeToken } from "../support/browserFakeServer";

const { newPage } = chromiumPages();

/** A page with one element whose token is `token`. */
async function openElement(server: BrowserFakeServer, markup: string, token: string): Promise<Page> {
  const page = await newPage();
  await server.open(page, markup);
  await page.evaluate((t) => {
    (document.body.firstElementChild as HTMLElement & { accessToken: () => string }).accessToken = () => t;
  }, token);
  return page;
}

const ben = { id: "u-ben", name: "Ben" };
const waitFor = async (check: () => boolean, message: string) => {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), message);
};

test("<live-thread>: Report on others' replies asks for a reason in a dialog, then says Reported", async () => {
  const server = new BrowserFakeServer();
  server.publish(fakeReply("r1", "Buy cheap watches at example.com", ben));
  server.publish(fakeReply("r2", "My own reply"));
  const page = await openElement(server, `<live-thread topic="t1"></live-thread>`, fakeToken("u-ann", "Ann"));
  await page.locator("live-thread .status[data-state=live]").waitFor();

  const others = page.locator("live-thread .reply", { hasText: "cheap watches" });
  assert.equal(await page.locator("live-thread .reply", { hasText: "My own reply" }).locator("button.report").count(), 0, "no Report on one's own reply");
  const report = others.getByRole("button", { name: "Report Ben's reply" });

  // Escape closes the dialog and gives focus back to the button.
  await report.click();
  const dialog = page.getByRole("dialog", { name: "Report Ben's reply" });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.querySelector("live-thread")!.shadowRoot!.activeElement?.getAttribute("value")), "spam", "focus starts on the first reason");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.querySelector("live-thread")!.shadowRoot!.activeElement?.textContent), "Report");
  assert.equal(server.requests.filter((r) => r.method === "POST").length, 0, "nothing sent");

  // A reason is required; the note is optional and at most 500 characters.
  await report.click();
  await dialog.getByRole("button", { name: "Send report" }).click();
  assert.equal(await dialog.isVisible(), true, "no reason chosen: still open");
  await dialog.getByRole("radio", { name: "Spam or advertising" }).check();
  assert.equal(await dialog.getByRole("textbox", { name: "Note for the moderators" }).getAttribute("maxlength"), "500");
  await dialog.getByRole("textbox", { name: "Note for the moderators" }).fill("  link farm  ");
  await dialog.getByRole("button", { name: "Send report" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.deepEqual(server.requests.at(-1), { method: "POST", path: "/api/replies/r1/reports", body: { reason: "spam", note: "link farm" } });
  await others.getByRole("button", { name: "Reported Ben's reply" }).waitFor();
  assert.equal(await others.locator("button.report").textContent(), "Reported");

  // Clicking "Reported" asks nothing more; a re-render (a reaction) keeps it.
  await others.locator("button.report").click({ force: true }); // aria-disabled: playwright would wait for it
  assert.equal(await page.getByRole("dialog").count(), 0);
  server.send("ReactionsChanged", { topicId: "t1", seq: ++server.topic.lastSeq, replyId: "r1", reactions: { like: 3, insightful: 0, disagree: 0 } });
  await others.locator("button[data-kind=like] .count", { hasText: "3" }).waitFor();
  assert.equal(await others.locator("button.report").textContent(), "Reported");
});

test("<live-thread>: a report the server refuses shows its message in the dialog", async () => {
  const server = new BrowserFakeServer();
  server.publish(fakeReply("r1", "Something", ben));
  server.answers.set("POST /api/replies/r1/reports", [429, { title: "Too Many Requests", status: 429, detail: "rate limited, retry in 30 s" }]);
  const page = await openElement(server, `<live-thread topic="t1"></live-thread>`, fakeToken("u-ann", "Ann"));
  await page.getByRole("button", { name: "Report Ben's reply" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: "Off topic" }).check();
  await dialog.getByRole("button", { name: "Send report" }).click();
  await dialog.getByRole("alert").filter({ hasText: "rate limited, retry in 30 s" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Report Ben's reply" }).textContent(), "Report");
});

test("<live-thread>: anonymous readers get no Report button", async () => {
  const server = new BrowserFakeServer();
  server.publish(fakeReply("r1", "Something", ben));
  const page = await openElement(server, `<live-thread topic="t1"></live-thread>`, "");
  await page.locator("live-thread .reply").waitFor();
  assert.equal(await page.locator("live-thread button.report").count(), 0);
});

test("<live-thread>: the author's held reply says 'Awaiting review' until it is published", async () => {
  const server = new BrowserFakeServer();
  server.topic.premoderated = true;
  server.hubMethods.set("PostReply", (_topicId, body) => ({ ...fakeReply("held1", String(body)), status: "pending" }));
  const page = await openElement(server, `<live-thread topic="t1"></live-thread>`, fakeToken("u-ann", "Ann"));
  await page.locator("live-thread .status[data-state=live]").waitFor();
  await page.locator("live-thread textarea").fill("Is the budget public?");
  await page.locator("live-thread .composer button[type=submit]").click();
  const held = page.locator("live-thread .reply", { hasText: "Is the budget public?" });
  await held.getByText("Awaiting review").waitFor();
  assert.equal(await held.locator("button").count(), 0, "nothing to react to or report while held");
  assert.match(await page.locator("live-thread .announcer").textContent() ?? "", /awaiting review/);
  await page.getByText("Replies (0)").waitFor();

  server.publish(fakeReply("held1", "Is the budget public?"));
  await held.getByText("Awaiting review").waitFor({ state: "detached" });
  await page.getByText("Replies (1)").waitFor();
  assert.equal(await page.locator("live-thread .reply").count(), 1);
});

function queueItem(id: string, body: string, state: "reported" | "pending", extra: Partial<QueueItem> = {}): QueueItem {
  return {
    reply: fakeReply(id, body, ben, state === "pending" ? null : 1), topic: { id: "t1", title: "Tram line approved" }, state,
    hidden: false, reports: {}, reportCount: 0, since: new Date().toISOString(), ...extra,
  };
}

test("<moderation-queue>: lists items with reasons and flags, approves, rejects with a reason, follows QueueChanged", async () => {
  const server = new BrowserFakeServer();
  server.queue = [
    queueItem("q1", "You are all idiots", "reported", { hidden: true, reports: { abuse: 2, spam: 1 }, reportCount: 3, version: 2 }),
    queueItem("q2", "Cheap watches", "reported", { reports: { spam: 1 }, reportCount: 1 }),
    queueItem("q3", "First reply of a new member", "pending"),
  ];
  server.counts = { reported: 2, pending: 1 };
  const page = await openElement(server, `<moderation-queue topic-href="#/topics/{id}"></moderation-queue>`, fakeToken("u-mia", "Mia", "moderator"));
  const element = page.locator("moderation-queue");
  await element.locator(".status[data-state=live]").waitFor();

  const reportedTab = page.getByRole("tab", { name: /Reported/ });
  const pendingTab = page.getByRole("tab", { name: /Pending/ });
  assert.equal(await reportedTab.getAttribute("aria-selected"), "true");
  assert.equal(await reportedTab.locator(".count").textContent(), "2");
  assert.equal(await pendingTab.locator(".count").textContent(), "1");

  const first = element.locator(".queue-item", { hasText: "You are all idiots" });
  await first.waitFor();
  assert.equal(await element.locator(".queue-item").count(), 2);
  assert.equal(await first.locator(".reply-body").textContent(), "You are all idiots");
  assert.equal(await first.locator(".author").textContent(), "Ben");
  assert.equal(await first.locator("a.topic-title").textContent(), "Tram line approved");
  assert.equal(await first.locator("a.topic-title").getAttribute("href"), `${new URL(page.url()).origin}/#/topics/t1`);
  assert.equal(await first.getByText("Hidden from readers").count(), 1);
  assert.deepEqual(await first.locator(".reasons li").allTextContents(), ["Abuse: 2", "Spam: 1"]);
  assert.equal(await first.locator(".report-count").textContent(), "3 reports");

  // Approve: the item leaves the list, focus moves to the next item's Approve.
  await first.getByRole("button", { name: "Approve Ben's reply" }).click();
  await first.waitFor({ state: "detached" });
  assert.deepEqual(server.requests.at(-1), { method: "POST", path: "/api/moderation/queue/q1/approve", body: { version: 2 } }, "the version it showed");
  assert.equal(await page.evaluate(() => document.querySelector("moderation-queue")!.shadowRoot!.activeElement?.textContent), "Approve");

  // Reject asks for a reason first.
  const second = element.locator(".queue-item", { hasText: "Cheap watches" });
  await second.getByRole("button", { name: "Reject Ben's reply" }).click();
  const dialog = page.getByRole("dialog", { name: "Reject Ben's reply" });
  await dialog.getByRole("button", { name: "Reject" }).click();
  assert.equal(await dialog.isVisible(), true, "no reason: still open");
  await dialog.getByRole("textbox", { name: /Reason/ }).fill("advertising");
  await dialog.getByRole("button", { name: "Reject" }).click();
  await second.waitFor({ state: "detached" });
  assert.deepEqual(server.requests.at(-1), { method: "POST", path: "/api/moderation/queue/q2/reject", body: { reason: "advertising" } });
  await element.getByText("No reported replies. Nothing to review.").waitFor();

  // Live: another moderator's world changes; counts update at once, the list reloads.
  server.queue.push(queueItem("q4", "Reported just now", "reported", { reports: { "off-topic": 1 }, reportCount: 1 }));
  server.queueChanged({ replyId: "q4", topicId: "t1", state: "reported", counts: { reported: 1, pending: 1 } });
  await element.locator(".queue-item", { hasText: "Reported just now" }).waitFor();
  assert.equal(await reportedTab.locator(".count").textContent(), "1");
  assert.match(await element.locator(".announcer").textContent() ?? "", /1 reported, 1 pending/);
  server.queue = server.queue.filter((i) => i.reply.id !== "q4");
  server.queueChanged({ replyId: "q4", topicId: "t1", state: "approved", counts: { reported: 0, pending: 1 } });
  await element.locator(".queue-item", { hasText: "Reported just now" }).waitFor({ state: "detached" });

  // Keyboard: the arrow key moves to the Pending tab and shows its items.
  await reportedTab.focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await pendingTab.getAttribute("aria-selected"), "true");
  await element.locator(".queue-item", { hasText: "First reply of a new member" }).waitFor();
  assert.equal(await element.locator(".queue-item .badge.pending").count(), 1);
  assert.equal(server.requests.at(-1)!.path, "/api/moderation/queue?state=pending&limit=20");
});

test("<moderation-queue>: a decision the server refuses is shown as text; members and anonymous get a message", async () => {
  const server = new BrowserFakeServer();
  server.queue = [queueItem("q1", "Decided elsewhere", "pending")];
  server.counts = { reported: 0, pending: 1 };
  server.answers.set("POST /api/moderation/queue/q1/approve", [409, { title: "Conflict", status: 409, detail: "the reply is not in the queue" }]);
  const page = await openElement(server, `<moderation-queue></moderation-queue>`, fakeToken("u-mia", "Mia", "moderator"));
  await page.getByRole("tab", { name: /Pending/ }).click();
  const item = page.locator("moderation-queue .queue-item");
  await item.getByRole("button", { name: /Approve/ }).click();
  await item.getByRole("alert").filter({ hasText: "the reply is not in the queue" }).waitFor();
  assert.equal(await item.locator("span.topic-title").textContent(), "Tram line approved", "no topic-href: the title is text");

  const member = new BrowserFakeServer();
  member.hubMethods.set("WatchQueue", () => {
    throw new Error("moderators only");
  });
  const refused = await openElement(member, `<moderation-queue></moderation-queue>`, fakeToken("u-ann", "Ann"));
  await refused.locator("moderation-queue .error", { hasText: "moderators only" }).waitFor();
  const anonymous = await openElement(new BrowserFakeServer(), `<moderation-queue></moderation-queue>`, "");
  await anonymous.locator("moderation-queue").getByText("Sign in as a moderator to see the moderation queue.").waitFor();
});

test("<moderation-queue>: after a reconnect the queue is watched again and reloaded", async () => {
  const server = new BrowserFakeServer();
  server.counts = { reported: 0, pending: 0 };
  const page = await openElement(server, `<moderation-queue></moderation-queue>`, fakeToken("u-mia", "Mia", "moderator"));
  await page.locator("moderation-queue").getByText("No reported replies. Nothing to review.").waitFor();
  server.queue = [queueItem("q9", "Reported while offline", "reported", { reportCount: 1, reports: { other: 1 } })];
  server.counts = { reported: 1, pending: 0 };
  await page.context().setOffline(true);
  await page.locator("moderation-queue .status[data-state=reconnecting]").waitFor();
  await page.context().setOffline(false);
  await page.locator("moderation-queue .queue-item", { hasText: "Reported while offline" }).waitFor({ timeout: 10_000 });
  await waitFor(() => server.invocations.filter((i) => i.target === "WatchQueue").length === 2, "WatchQueue again");
});
