import { LiveCommunity } from "../LiveCommunity";
import { isTokenAllowed } from "../TokenPolicy";
import { h } from "./dom";
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

  class ModerationQueueElementImpl extends HTMLElement implements ModerationQueueElement {
    static observedAttributes = ["server", "topic", "topic-href", "page-size"];
    private readonly shadow = this.attachShadow({ mode: "open" });
    private tokenProvider: (() => string | Promise<string>) | undefined;
    private current: { client: LiveCommunity; view?: QueueView } | undefined;
    private generation = 0;

    get accessToken() {
      return this.tokenProvider;
    }

    set accessToken(provider) {
      this.tokenProvider = provider;
      if (this.isConnected) void this.restart();
    }

    get client() {
      return this.current?.client;
    }

    connectedCallback() {
      void this.restart();
    }

    disconnectedCallback() {
      this.stop();
    }

    attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
      if (previous !== next && this.isConnected) void this.restart();
    }

    private stop() {
      this.generation++;
      this.current?.view?.dispose();
      void this.current?.client.close();
      this.current = undefined;
    }

    private async restart() {
      this.stop();
      const generation = this.generation;
      const server = this.getAttribute("server") || location.origin;
      const message = h("p", { class: "hint", role: "status" }, "Loading the moderation queue…");
      this.shadow.replaceChildren(h("style", {}, styles + moderationStyles + queueStyles), message);

      let provider = this.tokenProvider;
      if (provider && !isTokenAllowed(server)) {
        console.warn(`<${tagName}>: not sending the token to ${server}; the page may allow it with LiveCommunity.allowTokenFor(${JSON.stringify(server)})`);
        provider = undefined;
      }
      const client = new LiveCommunity({ baseUrl: server, accessToken: provider });
      this.current = { client };
      try {
        if (!provider || !(await provider())) {
          if (generation === this.generation) message.textContent = "Sign in as a moderator to see the moderation queue.";
          return;
        }
        const queue = await client.watchQueue();
        if (generation !== this.generation) return;
        message.remove();
        const pageSize = Number(this.getAttribute("page-size"));
        this.current.view = new QueueView(this.shadow, client, queue, {
          topicId: this.getAttribute("topic") || null,
          topicHref: this.getAttribute("topic-href"),
          pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 100) : 20,
        });
      } catch (error) {
        if (generation !== this.generation) return;
        message.textContent = `The moderation queue could not be loaded: ${(error as Error).message}`;
        message.className = "error";
        message.setAttribute("role", "alert");
      }
    }
  }

  customElements.define(tagName, ModerationQueueElementImpl);
}
