import type { Disposer } from "../Emitter";
import type { LiveCommunity } from "../LiveCommunity";
import type { QueueCounts, QueueItem, QueueState, ReportReason } from "../moderationTypes";
import type { QueueWatch } from "../QueueWatch";
import { ThreadState } from "../ThreadState";
import { openDialog } from "./dialog";
import { h, timeElement } from "./dom";

export interface QueueViewOptions {
  /** Only this topic's replies; all topics when null. */
  topicId: string | null;
  /** Makes the link of a topic (`{id}` is replaced by its id); no link when null. */
  topicHref: string | null;
  pageSize: number;
}

const TABS: readonly { state: QueueState; label: string; empty: string }[] = [
  { state: "reported", label: "Reported", empty: "No reported replies. Nothing to review." },
  { state: "pending", label: "Pending", empty: "No replies waiting for approval." },
];
const REASON_LABELS: Record<ReportReason, string> = { spam: "Spam", abuse: "Abuse", "off-topic": "Off topic", other: "Other" };
const STATE_TEXT: Record<ThreadState, string> = {
  [ThreadState.Connecting]: "Connecting…",
  [ThreadState.Live]: "Live",
  [ThreadState.Reconnecting]: "Reconnecting…",
  [ThreadState.Offline]: "Offline",
};
/** Changes that come in a burst (a report storm) cost one reload. */
const RELOAD_DELAY_MS = 150;

/** Renders the moderation queue, one tab per queue, and keeps it current through the queue watch. */
export class QueueView {
  private readonly disposers: Disposer[] = [];
  private tab: QueueState = "reported";
  private items: QueueItem[] = [];
  private nextCursor: string | null = null;
  private counts: QueueCounts;
  private loads = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  private readonly status = h("span", { class: "status", role: "status" });
  private readonly tabButtons = TABS.map(({ state, label }) =>
    h("button", { type: "button", role: "tab", id: `lc-queue-tab-${state}`, "aria-controls": "lc-queue-panel", "data-state": state },
      `${label} `, h("span", { class: "count" }, "0")));
  private readonly tabList = h("div", { class: "tabs", role: "tablist", "aria-label": "Moderation queues" }, ...this.tabButtons);
  private readonly announcer = h("div", { class: "visually-hidden announcer", "aria-live": "polite", "aria-atomic": "true" });
  private readonly error = h("p", { class: "error", role: "alert" });
  private readonly empty = h("p", { class: "empty", hidden: true });
  private readonly list = h("ol", { class: "queue-list" });
  private readonly more = h("button", { type: "button", class: "load-more", hidden: true }, "Show more");
  private readonly panel = h("div", { role: "tabpanel", id: "lc-queue-panel", class: "queue-panel", tabindex: 0 }, this.empty, this.list, this.more);

  constructor(
    private readonly root: ShadowRoot | HTMLElement,
    private readonly client: LiveCommunity,
    private readonly queue: QueueWatch,
    private readonly options: QueueViewOptions,
  ) {
    this.counts = queue.counts;
    root.append(h("section", { class: "queue", "aria-label": "Moderation queue" },
      h("div", { class: "queue-head" }, h("h2", {}, "Moderation queue"), this.status),
      this.tabList,
      this.error,
      this.panel,
      this.announcer,
    ));
    this.tabButtons.forEach((button, index) => {
      button.addEventListener("click", () => this.select(TABS[index]!.state));
      button.addEventListener("keydown", (event) => this.tabKey(event, index));
    });
    this.more.addEventListener("click", () => void this.load(true));
    this.disposers.push(
      queue.on("counts", ({ counts }) => this.setCounts(counts, true)),
      queue.on("changed", ({ replyId, state }) => {
        // A decision (here or by another moderator) takes the item out at once; the reload confirms the rest.
        if (state === "approved" || state === "rejected") this.drop(replyId);
        this.scheduleReload();
      }),
      queue.on("resync", () => this.scheduleReload()),
      queue.on("state", () => this.renderStatus()),
    );
    this.renderStatus();
    this.renderTabs();
    void this.load(false);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reloadTimer);
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private select(state: QueueState, focus = false): void {
    if (focus) this.tabButtons[TABS.findIndex((t) => t.state === state)]?.focus();
    if (state === this.tab) return;
    this.tab = state;
    this.items = [];
    this.renderTabs();
    this.renderItems();
    void this.load(false);
  }

  /** Arrow keys, Home and End move between tabs (the ARIA tabs pattern, selection follows focus). */
  private tabKey(event: KeyboardEvent, index: number): void {
    const last = TABS.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.select(TABS[target]!.state, true);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(false), RELOAD_DELAY_MS);
  }

  /** Loads the first page again (as many items as are shown, at least a page), or the next page with `more`. */
  private async load(more: boolean): Promise<void> {
    const load = ++this.loads;
    const tab = this.tab;
    try {
      const page = await this.client.moderationQueue({
        state: tab,
        topicId: this.options.topicId ?? undefined,
        limit: more ? this.options.pageSize : Math.min(200, Math.max(this.options.pageSize, this.items.length)), // 200: the server's most
        cursor: more ? this.nextCursor : undefined,
      });
      if (this.disposed || load !== this.loads) return; // a newer load (or another tab) supersedes this one
      const known = new Set(page.items.map((item) => item.reply.id));
      this.items = more ? [...this.items.filter((item) => !known.has(item.reply.id)), ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.error.textContent = "";
      this.setCounts(page.counts, false);
      this.renderItems();
    } catch (error) {
      if (this.disposed || load !== this.loads) return;
      this.error.textContent = `The queue could not be loaded: ${(error as Error).message}`;
    }
  }

  private setCounts(counts: QueueCounts, announce: boolean): void {
    const changed = counts.reported !== this.counts.reported || counts.pending !== this.counts.pending;
    this.counts = counts;
    this.renderTabs();
    if (announce && changed) this.announcer.textContent = `Queue: ${counts.reported} reported, ${counts.pending} pending.`;
  }

  private renderStatus(): void {
    const state = this.queue.state;
    this.status.dataset.state = state;
    this.status.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), STATE_TEXT[state]);
  }

  private renderTabs(): void {
    TABS.forEach(({ state }, index) => {
      const button = this.tabButtons[index]!;
      const selected = state === this.tab;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.querySelector(".count")!.textContent = String(this.counts[state]);
    });
    this.panel.setAttribute("aria-labelledby", `lc-queue-tab-${this.tab}`);
  }

  private renderItems(): void {
    this.list.replaceChildren(...this.items.map((item) => this.renderItem(item)));
    this.empty.textContent = TABS.find((t) => t.state === this.tab)!.empty;
    this.empty.hidden = this.items.length > 0;
    this.more.hidden = this.nextCursor === null;
  }

  private renderItem(item: QueueItem): HTMLLIElement {
    const { reply, topic } = item;
    const error = h("p", { class: "error", role: "alert" });
    const approve = h("button", { type: "button", class: "primary approve", "aria-label": `Approve ${reply.author.name}'s reply` }, "Approve");
    const reject = h("button", { type: "button", class: "danger reject", "aria-label": `Reject ${reply.author.name}'s reply` }, "Reject");
    const li = h("li", { class: "queue-item", "data-reply-id": reply.id },
      h("div", { class: "item-head" },
        this.topicLink(topic),
        h("span", { class: `badge ${item.state}` }, item.state === "pending" ? "Pending" : "Reported"),
        item.hidden && h("span", { class: "badge hidden-flag" }, "Hidden from readers"),
      ),
      h("div", { class: "reply-head" },
        h("span", { class: "author" }, reply.author.name),
        timeElement(reply.createdAt),
        h("span", { class: "since" }, "· in the queue since ", timeElement(item.since)),
      ),
      h("p", { class: "reply-body" }, reply.body),
      item.reportCount > 0 && this.reports(item),
      h("div", { class: "actions" }, approve, reject),
      error,
    );
    approve.addEventListener("click", async () => {
      approve.disabled = reject.disabled = true;
      error.textContent = "";
      try {
        await this.client.approve(reply.id, item.version); // the text shown; an edit since then is a 409, shown below
        this.drop(reply.id, li);
      } catch (failure) {
        error.textContent = (failure as Error).message;
        approve.disabled = reject.disabled = false;
      }
    });
    reject.addEventListener("click", () => this.askReject(item, reject, li));
    return li;
  }

  private reports(item: QueueItem): HTMLElement {
    const reasons = Object.entries(item.reports)
      .filter(([, count]) => (count ?? 0) > 0)
      .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
      .map(([reason, count]) => h("li", { "data-reason": reason }, `${REASON_LABELS[reason as ReportReason] ?? reason}: ${count}`));
    return h("div", { class: "reports" },
      h("span", { class: "report-count" }, `${item.reportCount} ${item.reportCount === 1 ? "report" : "reports"}`),
      h("ul", { class: "reasons", "aria-label": "Reasons given" }, ...reasons));
  }

  private topicLink(topic: { id: string; title: string }): HTMLElement {
    const href = this.options.topicHref?.replaceAll("{id}", encodeURIComponent(topic.id));
    if (href) {
      try {
        const url = new URL(href, location.href);
        if (url.protocol === "http:" || url.protocol === "https:") return h("a", { class: "topic-title", href: url.href }, topic.title);
      } catch {
        // not a URL: the title stays text
      }
    }
    return h("span", { class: "topic-title" }, topic.title);
  }

  private askReject(item: QueueItem, button: HTMLButtonElement, li: HTMLLIElement): void {
    const reason = h("input", { type: "text", name: "reason", required: true, maxlength: 500 });
    openDialog(this.root, {
      title: `Reject ${item.reply.author.name}'s reply`,
      fields: [h("div", { class: "field" }, h("label", {}, "Reason (kept in the moderation log)", reason))],
      submitLabel: "Reject",
      submitClass: "danger",
      returnFocus: button,
      onSubmit: async () => {
        const text = reason.value.trim();
        if (!text) throw new Error("Give a reason.");
        await this.client.reject(item.reply.id, text);
      },
      // Not before: while the modal dialog is open, nothing behind it can take focus.
      onClose: (sent) => sent && this.drop(item.reply.id, li),
    });
  }

  /** Takes a decided item out of the list; focus that was in it moves to the next item (or the panel). */
  private drop(replyId: string, li?: HTMLLIElement): void {
    const element = li ?? this.list.querySelector<HTMLLIElement>(`li[data-reply-id="${CSS.escape(replyId)}"]`);
    this.items = this.items.filter((item) => item.reply.id !== replyId);
    if (!element?.isConnected) return;
    const hadFocus = li !== undefined || element.contains((this.root.getRootNode() as ShadowRoot | Document).activeElement);
    const next = (element.nextElementSibling ?? element.previousElementSibling) as HTMLElement | null;
    element.remove();
    this.empty.hidden = this.items.length > 0;
    if (hadFocus) (next?.querySelector<HTMLElement>("button.approve") ?? this.panel).focus();
  }
}
