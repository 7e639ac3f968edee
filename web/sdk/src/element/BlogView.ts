import type { LiveBlog } from "../LiveBlog";
import { ThreadState } from "../ThreadState";
import type { Update } from "../updateTypes";
import { h, refreshTimes, timeElement } from "./dom";
import { updateExcerpt, updateItem } from "./UpdateItem";

const STATE_TEXT: Record<ThreadState, string> = {
  [ThreadState.Connecting]: "Connecting…",
  [ThreadState.Live]: "Live",
  [ThreadState.Reconnecting]: "Reconnecting…",
  [ThreadState.Offline]: "Offline",
};

let views = 0;

/**
 * What `<live-blog>` shows of a LiveBlog: the updates (pinned first, then newest first), a key-events list that
 * jumps to an update and focuses it, and older pages on demand. A reader who has scrolled past the top of the
 * list is never moved: new updates wait under an "N new updates" pill until asked for. One polite announcement
 * per new update; removed updates vanish, from the announcer too.
 */
export class BlogView {
  private readonly prefix = `lc-blog-${++views}`;
  private readonly list = h("ol", { class: "updates", "aria-label": "Live updates, newest first" });
  private readonly keyList = h("ol", { class: "key-list" });
  private readonly keyNav = h("nav", { class: "key-events", "aria-label": "Key events", hidden: true },
    h("h3", {}, "Key events"), this.keyList);
  private readonly pill = h("button", { type: "button", class: "new-updates", hidden: true });
  private readonly empty = h("p", { class: "empty" }, "No updates yet.");
  private readonly older = h("button", { type: "button", class: "load-older", hidden: true }, "Older updates");
  private readonly status = h("span", { class: "status", role: "status" });
  private readonly announcer = h("div", { class: "visually-hidden announcer", "aria-live": "polite", "aria-atomic": "true" });
  /** Shown items by update id, with the update each was drawn from (a new object means redraw). */
  private readonly items = new Map<string, { update: Update; li: HTMLLIElement }>();
  /** Posted while the reader was scrolled away: waiting under the pill. */
  private readonly held = new Set<string>();
  private readonly domIds = new Map<string, string>();
  private announced: string | null = null;
  private keysDrawn = "";
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly root: ShadowRoot, private readonly blog: LiveBlog) {
    root.append(h("section", { class: "blog", "aria-labelledby": `${this.prefix}-title` },
      h("div", { class: "blog-head" }, h("h2", { id: `${this.prefix}-title` }, "Live updates"), this.status),
      this.keyNav,
      h("div", { class: "pill-slot" }, this.pill),
      this.list, this.empty, this.older, this.announcer));
    this.pill.addEventListener("click", () => this.showHeld());
    this.older.addEventListener("click", () => void this.loadOlder());
    blog.on("posted", ({ update }) => this.posted(update));
    blog.on("edited", () => this.render());
    blog.on("removed", ({ updateId }) => {
      this.held.delete(updateId);
      if (this.announced === updateId) this.announce(null, "");
      this.render();
    });
    blog.on("reset", () => {
      this.held.clear();
      this.render();
    });
    blog.on("state", ({ state }) => this.showState(state));
    this.showState(blog.state);
    this.render();
    this.timer = setInterval(() => refreshTimes(root), 30_000);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.blog.close();
  }

  private get host(): HTMLElement {
    return this.root.host as HTMLElement;
  }

  private posted(update: Update): void {
    // Above the reader's place: drawing it would push what they read down. It waits for the pill.
    if (this.list.getBoundingClientRect().top < 0) {
      this.held.add(update.id);
      this.announce(null, this.pillText());
    } else this.announce(update.id, `New update: ${updateExcerpt(update)}`);
    this.render();
  }

  private showHeld(): void {
    const first = this.blog.updates.find((u) => this.held.has(u.id));
    this.held.clear();
    this.render();
    this.host.scrollIntoView({ block: "start" });
    if (first) this.focusUpdate(first.id, false); // the blog's top is in view, the newest just under it
  }

  private async loadOlder(): Promise<void> {
    this.older.disabled = true;
    try {
      await this.blog.loadOlder();
    } finally {
      this.older.disabled = false;
    }
    this.render();
  }

  private async jumpTo(updateId: string): Promise<void> {
    await this.blog.reveal(updateId);
    this.held.delete(updateId);
    this.render();
    this.focusUpdate(updateId);
  }

  private focusUpdate(updateId: string, scroll = true): void {
    const article = this.items.get(updateId)?.li.querySelector("article");
    if (scroll) article?.scrollIntoView({ block: "start" });
    article?.focus({ preventScroll: true });
  }

  /** Brings the DOM in line with the blog: new items drawn, changed ones redrawn, gone ones removed, order kept. */
  private render(): void {
    const shown = this.blog.updates.filter((u) => !this.held.has(u.id));
    const wanted = new Set(shown.map((u) => u.id));
    for (const [id, item] of this.items) {
      if (wanted.has(id)) continue;
      item.li.remove();
      this.items.delete(id);
    }
    shown.forEach((update, index) => {
      let item = this.items.get(update.id);
      if (item && item.update !== update) {
        const focused = this.root.activeElement !== null && item.li.contains(this.root.activeElement);
        const li = updateItem(update, this.domId(update.id));
        item.li.replaceWith(li);
        item = { update, li };
        this.items.set(update.id, item);
        if (focused) li.querySelector("article")?.focus({ preventScroll: true });
      } else if (!item) {
        item = { update, li: updateItem(update, this.domId(update.id)) };
        this.items.set(update.id, item);
      }
      const at = this.list.children[index];
      if (at !== item.li) this.list.insertBefore(item.li, at ?? null);
    });
    this.empty.hidden = shown.length > 0 || this.held.size > 0;
    this.older.hidden = !this.blog.hasOlder;
    this.pill.hidden = this.held.size === 0;
    this.pill.textContent = this.pillText();
    this.renderKeyEvents();
    this.host.dataset.updates = String(this.blog.updates.length);
  }

  /** Redrawn only when it changed, and the key the reader was on keeps the focus. */
  private renderKeyEvents(): void {
    const keys = this.blog.keyEvents;
    const drawn = keys.map((u) => `${u.id} ${u.html}`).join("\n");
    if (drawn === this.keysDrawn) return;
    this.keysDrawn = drawn;
    const focusedId = (this.root.activeElement as HTMLElement | null)?.closest<HTMLElement>(".key-link")?.dataset.updateId;
    this.keyNav.hidden = keys.length === 0;
    this.keyList.replaceChildren(...keys.map((update) => {
      const button = h("button", { type: "button", class: "key-link", "data-update-id": update.id },
        timeElement(update.createdAt), " ", updateExcerpt(update, 70));
      button.addEventListener("click", () => void this.jumpTo(update.id));
      return h("li", {}, button);
    }));
    if (focusedId) this.keyList.querySelector<HTMLElement>(`[data-update-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  private pillText(): string {
    return `↑ ${this.held.size} new ${this.held.size === 1 ? "update" : "updates"}`;
  }

  /** Ids of update articles, made here: the server's ids are opaque and may not suit an id attribute. */
  private domId(updateId: string): string {
    let id = this.domIds.get(updateId);
    if (!id) this.domIds.set(updateId, (id = `${this.prefix}-u${this.domIds.size + 1}`));
    return id;
  }

  private announce(updateId: string | null, text: string): void {
    this.announced = updateId;
    this.announcer.textContent = text;
  }

  private showState(state: ThreadState): void {
    this.status.dataset.state = state;
    this.status.textContent = STATE_TEXT[state];
  }
}
