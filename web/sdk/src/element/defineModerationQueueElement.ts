import type { LiveCommunity } from "../LiveCommunity";
import { h } from "./dom";
import { clientElementBase } from "./ElementClient";
import { moderationStyles } from "./moderationStyles";
import { queueStyles } from "./queueStyles";
import { QueueView } from "./QueueView";
import { styles } from "./styles";

/** What `<moderation-queue>` offers to script, besides its attributes. */
export interface ModerationQueueElement extends HTMLElement {
  /**
   * The moderator's token provider; setting it reconnects as that moderator. As with `<live-thread>`, it is
   * used only when `server` is the page's own origin or one allowed with `LiveCommunity.allowTokenFor(origin)`.
   */
  accessToken: (() => string | Promise<string>) | undefined;
  /** The client the element uses while connected to the page. */
  readonly client: LiveCommunity | undefined;
}

/**
 * Registers `<moderation-queue server="…" topic="…" topic-href="…" page-size="…">`: the moderators' live queue
 * (reported and pending replies, Approve and Reject), in a shadow root themed by the --lc-* custom properties.
 * `server` defaults to the page's own origin; `topic` limits it to one topic; `topic-href` makes each topic's
 * title a link (`{id}` stands for the topic's id, e.g. "/news/{id}"). Runs only in a browser.
 */
export function defineModerationQueueElement(tagName = "moderation-queue"): void {
  if (customElements.get(tagName)) return;

  class ModerationQueueElementImpl extends clientElementBase<QueueView>(tagName) implements ModerationQueueElement {
    static observedAttributes = ["server", "topic", "topic-href", "page-size"];

    override async start(client: LiveCommunity, provider: (() => string | Promise<string>) | undefined, isCurrent: () => boolean) {
      const message = h("p", { class: "hint", role: "status" }, "Loading the moderation queue…");
      this.shadow.replaceChildren(h("style", {}, styles + moderationStyles + queueStyles), message);
      try {
        if (!provider || !(await provider())) {
          if (isCurrent()) message.textContent = "Sign in as a moderator to see the moderation queue.";
          return undefined;
        }
        const queue = await client.watchQueue();
        if (!isCurrent()) return undefined;
        message.remove();
        const pageSize = Number(this.getAttribute("page-size"));
        return new QueueView(this.shadow, client, queue, {
          topicId: this.getAttribute("topic") || null,
          topicHref: this.getAttribute("topic-href"),
          pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 100) : 20,
        });
      } catch (error) {
        if (!isCurrent()) return undefined;
        message.textContent = `The moderation queue could not be loaded: ${(error as Error).message}`;
        message.className = "error";
        message.setAttribute("role", "alert");
        return undefined;
      }
    }
  }

  customElements.define(tagName, ModerationQueueElementImpl);
}
