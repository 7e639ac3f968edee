import type { Disposer } from "../Emitter";
import type { LiveCommunity } from "../LiveCommunity";
import type { LiveThread } from "../LiveThread";
import { ThreadState } from "../ThreadState";
import type { Reactions, Reply, ServerConfig } from "../types";
import { CharacterCounter } from "./CharacterCounter";
import { FeaturedStrip } from "./FeaturedStrip";
import { MutedList } from "./MutedList";
import { OrderControl } from "./OrderControl";
import { authorLabel, avatar, h, refreshTimes, safeLink, timeElement, webUrl, type Viewer } from "./dom";
import { openReportDialog } from "./reportDialog";

const REACTION_LABELS: Record<string, string> = { like: "Like", insightful: "Insightful", disagree: "Disagree" };
const STATE_TEXT: Record<ThreadState, string> = {
  [ThreadState.Connecting]: "Connecting…",
  [ThreadState.Live]: "Live",
  [ThreadState.Reconnecting]: "Reconnecting…",
  [ThreadState.Offline]: "Offline",
};

/** What the page tells the view besides the thread: the server's settings and how to label the topic. */
export interface ThreadViewOptions {
  /** From `GET /api/config`: the reply box counts against its reply limit. */
  config?: ServerConfig;
  /** A section label shown above the title ("News"). */
  category?: string;
}

/** Relative times ("2 minutes ago") are brought up to date this often. */
const TIME_REFRESH_MS = 30_000;

/** Renders one live thread into a container and keeps it in step with the thread's events. */
export class ThreadView {
  private readonly disposers: Disposer[] = [];
  private readonly items = new Map<string, { reply: Reply; li: HTMLLIElement }>();
  private readonly counter: CharacterCounter | undefined;
  private readonly timeRefresh: ReturnType<typeof setInterval>;
  private posting = false;
  /** Replies this reader reported (this session), so their button keeps saying "Reported". */
  private readonly reported: Set<string>;
  private observer: IntersectionObserver | undefined;
  private atEnd = true;
  private unseen = 0;
  private replyTo: Reply | null = null;
  /** The reply whose text the live announcer holds, so that a removal takes it out of there too. */
  private announced: string | null = null;

  private readonly category = h("p", { class: "category" });
  private readonly title = h("h1", { class: "title" });
  private readonly meta = h("p", { class: "meta" });
  private readonly body = h("p", { class: "body" });
  private readonly sourceList = h("ul", { class: "source-list" });
  private readonly sources = h("section", { class: "sources", "aria-labelledby": "lc-sources" },
    h("h2", { id: "lc-sources" }, "Sources"), this.sourceList);
  private readonly topicReactions = h("div", { class: "reactions", role: "group", "aria-label": "Reactions to the topic" });
  private readonly status = h("span", { class: "status", role: "status" });
  private readonly replyCounter = h("span", { class: "counter replies-counter" });
  private readonly readers = h("span", { class: "counter readers" });
  private readonly lockButton = h("button", { type: "button", class: "lock" });
  private readonly lockedNote = h("p", { class: "locked-note" }, "This topic is locked: no new replies.");
  private readonly count = h("h2", { class: "reply-count", id: "lc-replies" });
  private readonly textarea = h("textarea", { name: "body", "aria-label": "Your reply", placeholder: "Write a reply…" });
  private readonly replyingTo = h("span", { class: "hint" });
  private readonly submit = h("button", { type: "submit", class: "primary" }, "Post reply");
  private readonly composerError = h("p", { class: "error", role: "alert" });
  private readonly composer = h("form", { class: "composer" });
  private readonly signInHint = h("p", { class: "hint sign-in-hint" }, "Sign in to reply and react.");
  private readonly pageError = h("p", { class: "error", role: "alert" });
  private readonly loadOlder = h("button", { type: "button", class: "load-older" }, "Show older replies");
  private readonly empty = h("p", { class: "empty" }, "No replies in this topic yet.");
  private readonly list = h("ol", { class: "reply-list", "aria-label": "Replies" });
  private readonly featured = new FeaturedStrip();
  /** Authors the reader muted: their replies, loaded or live, are not shown here (GET /api/me, then the Mute action). */
  private readonly muted = new Set<string>();
  private readonly mutedList = new MutedList((userId) => this.unmute(userId));
  private readonly order: OrderControl;
  private readonly sentinel = h("div", { class: "end", "aria-hidden": "true" });
  private readonly pill = h("button", { type: "button", class: "new-pill", hidden: true });
  private readonly announcer = h("div", { class: "visually-hidden announcer", "aria-live": "polite", "aria-atomic": "true" });

  constructor(
    private readonly root: ShadowRoot | HTMLElement,
    private readonly client: LiveCommunity,
    private readonly thread: LiveThread,
    private readonly viewer: Viewer,
    private readonly options: ThreadViewOptions = {},
  ) {
    const limit = options.config?.limits.replyMaxLength;
    if (limit) this.counter = new CharacterCounter(this.textarea, this.submit, limit, "lc-reply-count");
    this.order = new OrderControl(thread.order, (order) => this.run(this.pageError, () => thread.setOrder(order)));
    this.reported = new Set(JSON.parse(sessionStorage.getItem(this.reportedKey) ?? "[]") as string[]);
    this.build();
    this.renderAll();
    this.timeRefresh = setInterval(() => refreshTimes(this.root), TIME_REFRESH_MS);
    if (viewer.userId) void client.me().then((account) => this.setMuted(account.muted), () => undefined);
    this.disposers.push(
      thread.on("replyPosted", ({ reply }) => this.replyArrived(reply)),
      thread.on("replyEdited", () => this.renderReplies()),
      thread.on("replyHeld", () => {
        this.renderReplies();
        this.announcer.textContent = "Your reply is awaiting review by a moderator.";
        this.announced = null;
      }),
      thread.on("replyRemoved", ({ replyId }) => {
        this.renderReplies();
        if (replyId === this.announced) this.clearAnnouncer();
      }),
      thread.on("replyRestored", () => this.renderReplies()),
      thread.on("replyFeatured", () => this.renderReplies()),
      thread.on("reactionsChanged", ({ replyId }) => (replyId === null ? this.renderTopic() : this.renderReplies())),
      thread.on("topicUpdated", () => this.renderTopic()),
      thread.on("presence", () => this.renderPresence()),
      thread.on("state", () => this.renderPresence()),
      thread.on("reset", () => {
        this.setUnseen(0);
        this.renderAll();
        if (this.announced && !thread.replies.some((r) => r.id === this.announced)) this.clearAnnouncer();
      }),
    );
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.observer?.disconnect();
    this.counter?.dispose();
    clearInterval(this.timeRefresh);
  }

  /** Moderators, admins and journalists feature replies; the server checks it again. */
  private get canFeature(): boolean {
    return this.canModerate || this.viewer.role === "journalist";
  }

  private get canModerate(): boolean {
    return this.viewer.role === "moderator" || this.viewer.role === "admin";
  }

  private get reportedKey(): string {
    return `livecommunity:reported:${this.viewer.userId ?? "anon"}`;
  }

  private build(): void {
    this.composer.append(
      this.textarea,
      h("div", { class: "row" }, this.replyingTo, h("span", { class: "send" }, this.counter?.element, this.submit)),
      this.composerError,
    );
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.post();
    });
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.composer.requestSubmit();
    });
    this.lockButton.addEventListener("click", () => this.run(this.pageError, () => this.thread.setLocked(!this.thread.topic.locked)));
    this.loadOlder.addEventListener("click", () => this.run(this.pageError, async () => {
      await this.thread.loadOlder();
      this.renderReplies();
    }));
    this.pill.addEventListener("click", () => {
      // In top order new replies have no place yet: the pill reloads the ranking, which places them.
      if (this.thread.order === "top") void this.run(this.pageError, () => this.thread.setOrder("top"));
      else this.sentinel.scrollIntoView({ behavior: "smooth", block: "end" });
      this.setUnseen(0);
    });

    this.category.textContent = this.options.category ?? "";
    this.category.hidden = !this.options.category;
    this.root.append(
      h("article", { class: "topic", "aria-labelledby": "lc-title" },
        this.category,
        this.title,
        this.meta,
        this.body,
        this.sources,
        h("div", { class: "bar" },
          this.topicReactions,
          h("span", { class: "counters" }, this.replyCounter, this.readers),
          h("span", { class: "actions" }, this.status, this.canModerate && this.lockButton)),
        this.lockedNote,
      ),
      h("section", { class: "replies", "aria-labelledby": "lc-replies" },
        h("div", { class: "replies-head" }, this.count, this.order.element),
        this.featured.element,
        this.pageError,
        this.viewer.userId ? this.composer : this.signInHint,
        this.loadOlder,
        this.empty,
        this.list,
        this.sentinel,
        this.viewer.userId && this.mutedList.element,
        this.pill,
        this.announcer,
      ),
    );

    // "N new replies" only counts what arrives while the end of the list is out of view.
    this.observer = new IntersectionObserver(([entry]) => {
      this.atEnd = entry?.isIntersecting ?? true;
      if (this.atEnd) this.setUnseen(0);
    });
    this.observer.observe(this.sentinel);
  }

  private renderAll(): void {
    this.renderTopic();
    this.renderPresence();
    this.renderReplies();
  }

  private renderTopic(): void {
    const topic = this.thread.topic;
    this.title.textContent = topic.title;
    this.title.id = "lc-title";
    this.meta.replaceChildren(
      avatar(topic.author),
      ...authorLabel(topic.author),
      h("span", { "aria-hidden": "true" }, "·"),
      timeElement(topic.createdAt),
    );
    this.body.textContent = topic.body;
    this.sourceList.replaceChildren(...topic.sourceUrls.map((url) => {
      // The site's name is the link; the rest of the address, muted, tells two sources of one site apart.
      const parsed = webUrl(url);
      const path = parsed ? `${parsed.pathname}${parsed.search}`.replace(/^\/$/, "") : "";
      return h("li", {}, safeLink(url), path && h("span", { class: "source-path" }, path));
    }));
    this.sources.hidden = topic.sourceUrls.length === 0;
    this.renderReactions(this.topicReactions, null, topic.reactions);
    this.lockButton.textContent = topic.locked ? "Unlock topic" : "Lock topic";
    this.lockedNote.hidden = !topic.locked;
    this.textarea.disabled = topic.locked;
    this.setSubmitBlocked();
    this.renderCounts();
  }

  private renderCounts(): void {
    const replies = this.thread.topic.replyCount;
    this.count.textContent = `Replies (${replies})`;
    this.replyCounter.textContent = `${replies} ${replies === 1 ? "reply" : "replies"}`;
  }

  private renderPresence(): void {
    const state = this.thread.state;
    this.status.dataset.state = state;
    this.status.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), STATE_TEXT[state]);
    this.readers.textContent = `${this.thread.watchers} reading now`;
  }

  /**
   * Toggle buttons whose pressed state is the reader's own reaction as the server knows it (`mine`), so it is
   * right in a fresh session and on another device. A press shows at once and settles with the server's answer.
   */
  private renderReactions(container: HTMLElement, replyId: string | null, reactions: Reactions): void {
    const mine = this.thread.mine(replyId);
    const buttons = Object.entries(reactions).map(([kind, count]) => {
      const pressed = mine.includes(kind);
      const button = h("button", { type: "button", "data-kind": kind, "aria-pressed": String(pressed), disabled: !this.viewer.userId },
        `${REACTION_LABELS[kind] ?? kind} `, h("span", { class: "count" }, String(count)));
      button.addEventListener("click", async () => {
        button.setAttribute("aria-pressed", String(!pressed));
        // The thread takes the answer's counts and mine and emits reactionsChanged, which re-renders this bar.
        if (!(await this.run(this.pageError, () => this.thread.react(replyId, kind, !pressed)))) {
          button.setAttribute("aria-pressed", String(pressed));
        }
      });
      return button;
    });
    this.keepFocus(container, container, () => container.replaceChildren(...buttons));
  }

  /**
   * Runs a re-render that replaces `before`'s content (or `before` itself with `after`) and puts the keyboard
   * focus back on the matching control, so a reader pressing Enter on "Like" stays on "Like".
   */
  private keepFocus(before: HTMLElement, after: HTMLElement, render: () => void): void {
    const focused = (this.root instanceof ShadowRoot ? this.root.activeElement : document.activeElement) as HTMLElement | null;
    const selector = focused && before.contains(focused) && focused !== before ? focusSelector(focused) : null;
    render();
    if (selector) after.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Puts the list in the thread's order, touching only replies that changed. */
  private setMuted(userIds: readonly string[]): void {
    for (const id of userIds) this.muted.add(id);
    for (const r of this.thread.replies) if (this.muted.has(r.author.id)) this.mutedList.remember(r.author.id, r.author.name);
    this.mutedList.render(this.muted);
    this.renderReplies();
  }

  /** The server lists their replies again: reload the list (in its order) so they come back. */
  private async unmute(userId: string): Promise<void> {
    await this.client.mute(userId, false);
    this.muted.delete(userId);
    this.mutedList.render(this.muted);
    await this.thread.setOrder(this.thread.order);
  }

  private renderReplies(): void {
    const shown = this.thread.replies.filter((r) => !this.muted.has(r.author.id));
    // Oldest and newest hold the same replies by seq; top is the server's ranking. More pages go where the list continues.
    const replies = this.thread.order === "newest" ? shown.reverse() : shown;
    // Moved only when out of place: moving a focused button would drop the keyboard focus.
    if (this.thread.order === "oldest") {
      if (this.empty.previousElementSibling !== this.loadOlder) this.empty.before(this.loadOlder);
    } else if (this.list.nextElementSibling !== this.loadOlder) this.list.after(this.loadOlder);
    this.loadOlder.textContent = this.thread.order === "top" ? "Show more replies" : "Show older replies";
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const reply of replies) {
      seen.add(reply.id);
      let item = this.items.get(reply.id);
      if (!item || item.reply !== reply) {
        const li = this.renderReply(reply);
        const old = item?.li;
        if (old) this.keepFocus(old, li, () => old.replaceWith(li));
        item = { reply, li };
        this.items.set(reply.id, item);
      }
      const expected: Element | null = previous ? previous.nextElementSibling : this.list.firstElementChild;
      if (expected !== item.li) this.list.insertBefore(item.li, expected);
      previous = item.li;
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    this.featured.render(this.thread.featured.filter((r) => !this.muted.has(r.author.id)));
    this.empty.hidden = replies.length > 0;
    this.loadOlder.hidden = !this.thread.hasOlder;
    this.renderCounts();
  }

  private renderReply(reply: Reply): HTMLLIElement {
    const parent = reply.parentId ? this.thread.replies.find((r) => r.id === reply.parentId) : undefined;
    const reactions = h("div", { class: "reactions", role: "group", "aria-label": `Reactions to ${reply.author.name}'s reply` });
    this.renderReactions(reactions, reply.id, reply.reactions);
    const error = h("p", { class: "error", role: "alert" });
    const held = reply.status === "pending";
    const li = h("li", { class: `reply${reply.author.id === this.viewer.userId ? " mine" : ""}${held ? " held" : ""}`, "data-reply-id": reply.id },
      h("div", { class: "reply-head" },
        avatar(reply.author),
        ...authorLabel(reply.author),
        timeElement(reply.createdAt),
        reply.editedAt && h("span", { class: "edited" }, "(edited)"),
        held && h("span", { class: "badge held-badge" }, "Awaiting review"),
      ),
      parent && h("p", { class: "hint in-reply-to" }, `↳ in reply to ${parent.author.name}`),
      h("p", { class: "reply-body" }, reply.body),
    );
    if (held) {
      // Only its author (and moderators) can see it; nothing to react to or answer until it is published.
      li.append(h("p", { class: "hint" }, reply.author.id === this.viewer.userId
        ? "Only you can see this reply until a moderator approves it."
        : "Held for review: readers do not see it yet."));
      return li;
    }
    const actions = h("div", { class: "actions" }, reactions);
    if (this.viewer.userId && !this.thread.topic.locked) {
      const answer = h("button", { type: "button", class: "link" }, "Reply");
      answer.addEventListener("click", () => this.setReplyTo(reply));
      actions.append(answer);
    }
    if (this.viewer.userId && reply.author.id !== this.viewer.userId) {
      actions.append(this.reportButton(reply, error));
      const mute = h("button", { type: "button", class: "link mute", "aria-label": `Mute ${reply.author.name}` }, "Mute");
      mute.addEventListener("click", () => this.run(error, async () => {
        await this.client.mute(reply.author.id);
        this.mutedList.remember(reply.author.id, reply.author.name);
        this.setMuted([reply.author.id]);
      }));
      actions.append(mute);
    }
    if (this.canFeature) {
      const feature = h("button", { type: "button", class: "link feature" }, reply.featured ? "Unfeature" : "Feature");
      feature.addEventListener("click", () => this.run(error, () => this.thread.setFeatured(reply.id, !reply.featured)));
      actions.append(feature);
    }
    if (this.canModerate) {
      const remove = h("button", { type: "button", class: "link danger remove" }, "Remove");
      remove.addEventListener("click", () => this.openModForm(li, error, "Remove reply", false, (reason) => this.thread.removeReply(reply.id, reason)));
      actions.append(remove);
      if (reply.author.id !== this.viewer.userId) {
        const ban = h("button", { type: "button", class: "link danger ban" }, `Ban ${reply.author.name}`);
        ban.addEventListener("click", () => this.openModForm(li, error, `Ban ${reply.author.name}`, true,
          (reason, removeReplies) => this.client.ban(reply.author.id, reason, removeReplies)));
        actions.append(ban);
      }
    }
    li.append(actions, error);
    return li;
  }

  /** "Report" asks for a reason in a dialog; afterwards it says "Reported" (reporting again would change nothing). */
  private reportButton(reply: Reply, error: HTMLElement): HTMLButtonElement {
    const done = this.reported.has(reply.id);
    const button = h("button", { type: "button", class: "link report", "aria-label": done ? `Reported ${reply.author.name}'s reply` : `Report ${reply.author.name}'s reply`, "aria-disabled": done ? "true" : undefined },
      done ? "Reported" : "Report");
    if (done) return button;
    button.addEventListener("click", () => {
      if (this.reported.has(reply.id)) return;
      error.textContent = "";
      openReportDialog(this.root, reply.author.name, button, async (reason, note) => {
        await this.client.report(reply.id, reason, note);
        this.reported.add(reply.id);
        sessionStorage.setItem(this.reportedKey, JSON.stringify([...this.reported]));
        button.textContent = "Reported";
        button.setAttribute("aria-label", `Reported ${reply.author.name}'s reply`);
        button.setAttribute("aria-disabled", "true");
      });
    });
    return button;
  }

  /** An inline form asking for a reason, instead of a blocking prompt(). */
  private openModForm(li: HTMLElement, error: HTMLElement, label: string, offerRemoveAll: boolean, action: (reason: string, removeReplies: boolean) => Promise<void>): void {
    li.querySelector(".mod-form")?.remove();
    const reason = h("input", { type: "text", name: "reason", placeholder: "Reason (shown in the moderation log)", "aria-label": "Reason" });
    const removeAll = h("input", { type: "checkbox", name: "removeReplies" });
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h("form", { class: "mod-form" },
      reason,
      offerRemoveAll && h("label", { class: "hint" }, removeAll, " also remove their replies"),
      h("button", { type: "submit", class: "danger confirm" }, label),
      cancel,
    );
    cancel.addEventListener("click", () => form.remove());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.run(error, async () => {
        await action(reason.value.trim(), removeAll.checked);
        form.remove();
      });
    });
    li.insertBefore(form, error);
    reason.focus();
  }

  private setReplyTo(reply: Reply | null): void {
    this.replyTo = reply;
    if (!reply) {
      this.replyingTo.replaceChildren();
      return;
    }
    const cancel = h("button", { type: "button", class: "link" }, "cancel");
    cancel.addEventListener("click", () => this.setReplyTo(null));
    this.replyingTo.replaceChildren(`Replying to ${reply.author.name} `, cancel);
    this.textarea.focus();
  }

  private async post(): Promise<void> {
    const body = this.textarea.value.trim();
    if (!body || this.posting) return;
    if (this.counter && this.counter.over > 0) {
      // Ctrl+Enter submits even with the button disabled: say why nothing is sent.
      this.composerError.textContent = this.counter.describeOver();
      return;
    }
    this.posting = true;
    this.setSubmitBlocked();
    const ok = await this.run(this.composerError, () => this.thread.postReply(body, this.replyTo?.id));
    this.posting = false;
    this.setSubmitBlocked();
    if (ok) {
      if (this.textarea.value.trim() === body) this.textarea.value = ""; // keep what was typed meanwhile
      this.counter?.update();
      this.setReplyTo(null);
      this.sentinel.scrollIntoView({ block: "end" });
    }
  }

  /**
   * The submit button is disabled in a locked topic and (the counter's part) over the limit. While a reply is
   * being sent it only says so (aria-disabled): disabling it would drop a keyboard reader's focus to the page.
   */
  private setSubmitBlocked(): void {
    const locked = this.thread.topic.locked;
    if (this.counter) this.counter.setBlocked(locked);
    else this.submit.disabled = locked;
    if (this.posting) this.submit.setAttribute("aria-disabled", "true");
    else this.submit.removeAttribute("aria-disabled");
  }

  private replyArrived(reply: Reply): void {
    this.renderReplies();
    if (this.muted.has(reply.author.id)) return; // not shown, so neither announced nor counted as unseen
    this.items.get(reply.id)?.li.classList.add("fresh");
    this.announcer.textContent = `New reply from ${reply.author.name}: ${reply.body.slice(0, 200)}`;
    this.announced = reply.id;
    const unplaced = this.thread.order === "top" && !this.items.has(reply.id);
    if ((unplaced || !this.atEnd) && reply.author.id !== this.viewer.userId) this.setUnseen(this.unseen + 1);
  }

  /** A removed reply's text must not stay anywhere on the page, the screen reader's live region included. */
  private clearAnnouncer(): void {
    this.announcer.textContent = "";
    this.announced = null;
  }

  private setUnseen(count: number): void {
    this.unseen = count;
    this.pill.hidden = count === 0;
    const what = `${count} new ${count === 1 ? "reply" : "replies"}`;
    this.pill.textContent = this.thread.order === "top" ? `${what} — show` : `↓ ${what}`;
  }

  /** Runs a user action and shows its error (a hub or REST message) next to where it was asked for. */
  private async run(errorBox: HTMLElement, action: () => Promise<unknown>): Promise<boolean> {
    errorBox.textContent = "";
    try {
      await action();
      return true;
    } catch (error) {
      errorBox.textContent = (error as Error).message;
      return false;
    }
  }
}

/** How to find a control again in a re-rendered copy: reaction buttons by kind, other buttons by their classes. */
function focusSelector(element: HTMLElement): string | null {
  if (element.dataset.kind) return `button[data-kind="${CSS.escape(element.dataset.kind)}"]`;
  const classes = [...element.classList].map((c) => `.${CSS.escape(c)}`).join("");
  return classes ? `${element.tagName.toLowerCase()}${classes}` : null;
}
