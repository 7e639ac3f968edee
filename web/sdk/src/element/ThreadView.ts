import type { Disposer } from "../Emitter";
import type { LiveCommunity } from "../LiveCommunity";
import type { LiveThread } from "../LiveThread";
import type { Reply, ServerConfig } from "../types";
import { Composer } from "./Composer";
import { FeaturedStrip } from "./FeaturedStrip";
import { MutedList } from "./MutedList";
import { OrderControl } from "./OrderControl";
import { ReactionBar } from "./ReactionBar";
import { ReplyItems } from "./ReplyItem";
import { TopicHeader } from "./TopicHeader";
import { canModerate, h, refreshTimes, runAction, type Viewer } from "./dom";
import { keepFocus } from "./focus";

/** What the page tells the view besides the thread: the server's settings and how to label the topic. */
export interface ThreadViewOptions {
  /** From `GET /api/config`: the reply box counts against its reply limit. */
  config?: ServerConfig;
  /** A section label shown above the title ("News"). */
  category?: string;
}

/** Relative times ("2 minutes ago") are brought up to date this often. */
const TIME_REFRESH_MS = 30_000;

/**
 * Renders one live thread into a container and keeps it in step with the thread's events: the topic
 * (TopicHeader), the reply box (Composer), and here the list of replies, its order, paging, muted authors,
 * the "N new replies" pill and the screen reader's announcements.
 */
export class ThreadView {
  private readonly disposers: Disposer[] = [];
  private readonly items = new Map<string, { reply: Reply; li: HTMLLIElement }>();
  private readonly timeRefresh: ReturnType<typeof setInterval>;
  private observer: IntersectionObserver | undefined;
  private atEnd = true;
  private unseen = 0;
  /** The reply whose text the live announcer holds, so that a removal takes it out of there too. */
  private announced: string | null = null;

  private readonly count = h("h2", { class: "reply-count", id: "lc-replies" });
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
  private readonly header: TopicHeader;
  private readonly composer: Composer;
  private readonly replyItems: ReplyItems;

  constructor(
    private readonly root: ShadowRoot | HTMLElement,
    private readonly client: LiveCommunity,
    private readonly thread: LiveThread,
    private readonly viewer: Viewer,
    options: ThreadViewOptions = {},
  ) {
    this.composer = new Composer(thread, options.config?.limits.replyMaxLength, () => this.sentinel.scrollIntoView({ block: "end" }));
    this.order = new OrderControl(thread.order, (order) => runAction(this.pageError, () => thread.setOrder(order)));
    const reactions = new ReactionBar(root, thread, !!viewer.userId, this.pageError);
    this.header = new TopicHeader(thread, reactions, options.category, canModerate(viewer), this.pageError);
    this.replyItems = new ReplyItems(root, client, thread, viewer, reactions, this.composer, (author) => {
      this.mutedList.remember(author.id, author.name);
      this.setMuted([author.id]);
    });
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
    this.composer.dispose();
    clearInterval(this.timeRefresh);
  }

  private build(): void {
    this.loadOlder.addEventListener("click", () => runAction(this.pageError, async () => {
      await this.thread.loadOlder();
      this.renderReplies();
    }));
    this.pill.addEventListener("click", () => {
      // In top order new replies have no place yet: the pill reloads the ranking, which places them.
      if (this.thread.order === "top") void runAction(this.pageError, () => this.thread.setOrder("top"));
      else this.sentinel.scrollIntoView({ behavior: "smooth", block: "end" });
      this.setUnseen(0);
    });

    this.root.append(
      this.header.element,
      h("section", { class: "replies", "aria-labelledby": "lc-replies" },
        h("div", { class: "replies-head" }, this.count, this.order.element),
        this.featured.element,
        this.pageError,
        this.viewer.userId ? this.composer.element : this.signInHint,
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
    this.header.render();
    this.composer.render();
    this.renderCounts();
  }

  private renderCounts(): void {
    const replies = this.thread.topic.replyCount;
    this.count.textContent = `Replies (${replies})`;
    this.header.renderCount(replies);
  }

  private renderPresence(): void {
    this.header.renderPresence();
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
        const li = this.replyItems.render(reply);
        const old = item?.li;
        if (old) keepFocus(this.root, old, li, () => old.replaceWith(li));
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
}
