import type { Disposer } from "../Emitter";
import type { Notification } from "../notificationTypes";
import type { NotificationWatch } from "../Notifications";
import { h, refreshTimes, timeElement } from "./dom";
import { announcement, badgeText, bellLabel, excerptText, notificationHref, notificationSummary } from "./notificationText";

export interface NotificationsViewOptions {
  /** Where an item leads (see `notificationHref`); the article's address when null. */
  hrefTemplate: string | null;
  pageSize: number;
}

const PANEL_ID = "lc-notifications-panel";
const SVG = "http://www.w3.org/2000/svg";

/** A bell, drawn without markup strings; decorative (the button's name says what it is). */
function bellIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/**
 * The bell and its popup list (the disclosure pattern: the button says whether the list is open and which it
 * is; Escape closes it and gives the focus back to the bell). The count follows the watch live; the list is
 * read when it opens and kept current while it is open.
 */
export class NotificationsView {
  private readonly disposers: Disposer[] = [];
  private items: Notification[] = [];
  private nextCursor: string | null = null;
  private loads = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  private readonly badge = h("span", { class: "badge-count", "aria-hidden": "true" });
  private readonly bell = h("button", { type: "button", class: "bell", part: "bell", "aria-expanded": "false", "aria-controls": PANEL_ID }, bellIcon(), this.badge);
  private readonly markAll = h("button", { type: "button", class: "mark-all" }, "Mark all read");
  private readonly list = h("ul", { class: "notification-list", "aria-labelledby": "lc-notifications-title" });
  private readonly empty = h("p", { class: "empty", hidden: true }, "No notifications yet.");
  private readonly error = h("p", { class: "error", role: "alert" });
  private readonly more = h("button", { type: "button", class: "load-more", hidden: true }, "Load more");
  private readonly panel = h("div", { class: "panel", part: "panel", id: PANEL_ID, role: "region", "aria-labelledby": "lc-notifications-title", tabindex: -1, hidden: true },
    h("div", { class: "panel-head" }, h("h2", { id: "lc-notifications-title" }, "Notifications"), this.markAll),
    this.error, this.empty, this.list, this.more);
  private readonly announcer = h("div", { class: "visually-hidden announcer", "aria-live": "polite", "aria-atomic": "true" });

  constructor(
    private readonly root: ShadowRoot,
    private readonly watch: NotificationWatch,
    private readonly options: NotificationsViewOptions,
  ) {
    root.append(this.bell, this.panel, this.announcer);
    this.showCount(watch.unread);
    this.bell.addEventListener("click", () => (this.isOpen ? this.close(false) : void this.open()));
    this.markAll.addEventListener("click", () => void this.markAllRead());
    this.more.addEventListener("click", () => void this.load(true));
    root.addEventListener("keydown", this.onKey as EventListener);
    document.addEventListener("click", this.onOutsideClick);
    this.disposers.push(
      watch.on("unread", ({ unread }) => this.showCount(unread)),
      watch.on("notified", ({ notification }) => {
        this.announcer.textContent = announcement(notification);
        if (this.isOpen && !this.items.some((n) => n.id === notification.id)) {
          this.items.unshift(notification);
          this.list.prepend(this.item(notification));
          this.empty.hidden = true;
        }
      }),
      // Another tab marked them read: all of them is clear; some of them, only a fresh read can tell which.
      watch.on("read", ({ unread }) => (unread === 0 ? this.showAllRead() : this.isOpen && void this.load(false))),
      watch.on("resync", () => this.isOpen && void this.load(false)),
    );
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    clearInterval(this.timer);
    document.removeEventListener("click", this.onOutsideClick);
    this.root.removeEventListener("keydown", this.onKey as EventListener);
    this.loads++; // a load under way lands nowhere
  }

  /** Opens the list, reads its first page and moves the focus into it. */
  async open(): Promise<void> {
    this.panel.hidden = false;
    this.bell.setAttribute("aria-expanded", "true");
    // Below the bell, towards the page's middle: hanging left from a bell near the left edge would leave the page.
    this.panel.classList.toggle("from-start", this.root.host.getBoundingClientRect().right < this.panel.offsetWidth);
    this.panel.focus();
    this.timer = setInterval(() => refreshTimes(this.list), 30_000);
    await this.load(false);
    // Into the list once it is there, unless the reader went elsewhere meanwhile.
    if (this.isOpen && this.root.activeElement === this.panel) this.firstLink(this.list)?.focus();
  }

  /** Closes the list; `refocus` gives the focus back to the bell (Escape does, a click elsewhere does not). */
  close(refocus: boolean): void {
    if (!this.isOpen) return;
    this.panel.hidden = true;
    this.bell.setAttribute("aria-expanded", "false");
    clearInterval(this.timer);
    if (refocus) this.bell.focus();
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !this.isOpen) return;
    event.preventDefault();
    this.close(true);
  };

  private readonly onOutsideClick = (event: Event) => {
    if (this.isOpen && !event.composedPath().includes(this.root.host)) this.close(false);
  };

  private showCount(unread: number): void {
    this.badge.textContent = badgeText(unread);
    this.badge.hidden = unread === 0;
    this.bell.setAttribute("aria-label", bellLabel(unread));
    this.markAll.setAttribute("aria-disabled", String(unread === 0));
  }

  private async load(more: boolean): Promise<void> {
    const load = ++this.loads;
    this.error.textContent = "";
    try {
      const page = await this.watch.load({ limit: this.options.pageSize, cursor: more ? this.nextCursor : null });
      if (load !== this.loads) return;
      const fresh = more ? page.items.filter((n) => !this.items.some((shown) => shown.id === n.id)) : page.items;
      const added = fresh.map((n) => this.item(n));
      if (more) {
        this.items.push(...fresh);
        this.list.append(...added);
        (this.firstLink(added[0]) ?? this.panel).focus(); // where the reader goes on from ("Load more" may be gone)
      } else {
        this.items = fresh;
        this.list.replaceChildren(...added);
      }
      this.nextCursor = page.nextCursor;
      this.more.hidden = page.nextCursor === null;
      this.empty.hidden = this.items.length > 0;
    } catch (error) {
      if (load === this.loads) this.error.textContent = `Notifications could not be loaded: ${(error as Error).message}`;
    }
  }

  private async markAllRead(): Promise<void> {
    if (this.markAll.getAttribute("aria-disabled") === "true") return;
    this.error.textContent = "";
    try {
      // Up to the newest one shown: one that came meanwhile, unseen, stays unread.
      await this.watch.markRead(this.items[0]?.id);
      this.showAllRead();
    } catch (error) {
      this.error.textContent = `Could not mark them read: ${(error as Error).message}`;
    }
  }

  private showAllRead(): void {
    for (const n of this.items) n.read = true;
    for (const li of this.list.querySelectorAll("li.unread")) {
      li.classList.remove("unread");
      li.querySelector(".new-flag")?.remove();
    }
  }

  private item(n: Notification): HTMLLIElement {
    const href = notificationHref(n, this.options.hrefTemplate);
    const content = [
      n.read ? null : h("span", { class: "new-flag" }, "New"),
      h("span", { class: "summary" }, notificationSummary(n)),
      h("span", { class: "excerpt" }, excerptText(n)),
      h("span", { class: "where" }, `in ${n.topic.title}`, " · ", timeElement(n.at)),
    ];
    const body = href ? h("a", { href, class: "item" }, ...content) : h("div", { class: "item" }, ...content);
    return h("li", { class: n.read ? "notification" : "notification unread", "data-notification-id": n.id }, body);
  }

  private firstLink(root: ParentNode | undefined): HTMLElement | null {
    return root?.querySelector<HTMLElement>("a.item") ?? null;
  }
}
