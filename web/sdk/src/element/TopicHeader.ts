// The topic at the head of <live-thread>: category, title, author, text, sources, reactions, the counters,
// the connection's state and (for moderators) the lock.
import type { LiveThread } from "../LiveThread";
import { ThreadState } from "../ThreadState";
import { authorLabel, avatar, h, runAction, safeLink, timeElement, webUrl } from "./dom";
import type { ReactionBar } from "./ReactionBar";

const STATE_TEXT: Record<ThreadState, string> = {
  [ThreadState.Connecting]: "Connecting…",
  [ThreadState.Live]: "Live",
  [ThreadState.Reconnecting]: "Reconnecting…",
  [ThreadState.Offline]: "Offline",
};

export class TopicHeader {
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
  readonly element: HTMLElement;

  /** `category`: a section label shown above the title ("News"); `errorBox` shows a refused lock. */
  constructor(private readonly thread: LiveThread, private readonly reactions: ReactionBar, category: string | undefined, canLock: boolean, errorBox: HTMLElement) {
    this.lockButton.addEventListener("click", () => runAction(errorBox, () => thread.setLocked(!thread.topic.locked)));
    this.category.textContent = category ?? "";
    this.category.hidden = !category;
    this.element = h("article", { class: "topic", "aria-labelledby": "lc-title" },
      this.category,
      this.title,
      this.meta,
      this.body,
      this.sources,
      h("div", { class: "bar" },
        this.topicReactions,
        h("span", { class: "counters" }, this.replyCounter, this.readers),
        h("span", { class: "actions" }, this.status, canLock && this.lockButton)),
      this.lockedNote,
    );
  }

  render(): void {
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
    this.reactions.render(this.topicReactions, null, topic.reactions);
    this.lockButton.textContent = topic.locked ? "Unlock topic" : "Lock topic";
    this.lockedNote.hidden = !topic.locked;
  }

  renderCount(replies: number): void {
    this.replyCounter.textContent = `${replies} ${replies === 1 ? "reply" : "replies"}`;
  }

  renderPresence(): void {
    const state = this.thread.state;
    this.status.dataset.state = state;
    this.status.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), STATE_TEXT[state]);
    this.readers.textContent = `${this.thread.watchers} reading now`;
  }
}
