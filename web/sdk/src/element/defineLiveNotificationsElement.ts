import type { LiveCommunity } from "../LiveCommunity";
import { watchNotifications } from "../Notifications";
import { clientElementBase } from "./ElementClient";
import { notificationStyles } from "./notificationStyles";
import { NotificationsView } from "./NotificationsView";
import { styles } from "./styles";

/** What `<live-notifications>` offers to script, besides its attributes. */
export interface LiveNotificationsElement extends HTMLElement {
  /**
   * The reader's token provider; setting it signs the bell in as that reader (or out, for ""). As with
   * `<live-thread>`, it is used only when `server` is the page's own origin or one allowed with
   * `LiveCommunity.allowTokenFor(origin)`.
   */
  accessToken: (() => string | Promise<string>) | undefined;
  /** The client the element uses while connected to the page. */
  readonly client: LiveCommunity | undefined;
  /** Whether the list is open. */
  readonly open: boolean;
}

/**
 * Registers `<live-notifications server="…" href-template="…" page-size="…">`: a bell with the signed-in reader's
 * unread count, live, that opens their notifications (PROTOCOL.md v3 "Notifications"), in a shadow root themed
 * by the --lc-* custom properties. Each item links to the article's page (the topic's `url`), or where
 * `href-template` says ({topicId}, {replyId}, {articleId}, {url}; e.g. "/news/{articleId}" or "#/topics/{topicId}").
 * Shows nothing for an anonymous reader. `data-state` on the element says which: "loading", "anonymous", "ready" or
 * "unavailable" (the server refused; the console says why). Runs only in a browser.
 */
export function defineLiveNotificationsElement(tagName = "live-notifications"): void {
  if (customElements.get(tagName)) return;

  class LiveNotificationsElementImpl extends clientElementBase<NotificationsView>(tagName) implements LiveNotificationsElement {
    static observedAttributes = ["server", "href-template", "page-size"];
    private view: NotificationsView | undefined;

    get open() {
      return this.view?.isOpen ?? false;
    }

    override async start(client: LiveCommunity, provider: (() => string | Promise<string>) | undefined, isCurrent: () => boolean) {
      this.view = undefined;
      this.shadow.replaceChildren(); // nothing to show until the reader is known
      this.dataset.state = "loading";
      if (!provider || !(await provider())) {
        if (isCurrent()) this.dataset.state = "anonymous";
        return undefined;
      }
      try {
        const watch = await watchNotifications(client);
        if (!isCurrent()) return undefined;
        const pageSize = Number(this.getAttribute("page-size"));
        this.shadow.replaceChildren(Object.assign(document.createElement("style"), { textContent: styles + notificationStyles }));
        this.view = new NotificationsView(this.shadow, watch, {
          hrefTemplate: this.getAttribute("href-template"),
          pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 50) : 10,
        });
        this.dataset.state = "ready";
        return this.view;
      } catch (error) {
        // A token the server does not take (expired, say) is an anonymous reader here; the page's sign-in says more.
        if (!isCurrent()) return undefined;
        this.dataset.state = "unavailable";
        console.warn(`<${tagName}>: notifications could not be loaded: ${(error as Error).message}`);
        return undefined;
      }
    }
  }

  customElements.define(tagName, LiveNotificationsElementImpl);
}
