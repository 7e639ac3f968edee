import type { LiveCommunity } from "../LiveCommunity";
import { h, viewerFromToken } from "./dom";
import { ElementClient } from "./ElementClient";
import { moderationStyles } from "./moderationStyles";
import { styles } from "./styles";
import { ThreadView } from "./ThreadView";

/** What `<live-thread>` offers to script, besides its `topic` and `server` attributes. */
export interface LiveThreadElement extends HTMLElement {
  /**
   * The reader's token provider; setting it reconnects as that reader. It is used only when `server` is the
   * page's own origin or one allowed with `LiveCommunity.allowTokenFor(origin)`; elsewhere the element reads
   * anonymously.
   */
  accessToken: (() => string | Promise<string>) | undefined;
  /** The client the element uses while connected to the page. */
  readonly client: LiveCommunity | undefined;
}

/**
 * Registers `<live-thread topic="…" server="…" category="…">`: a whole live thread, in a shadow root,
 * themed by --lc-* custom properties. `server` defaults to the page's own origin; `category` (optional) is
 * the section label shown above the title. The reply box counts against the server's limit (`GET /api/config`).
 * Runs only in a browser; call it once (the browser bundle does).
 */
export function defineLiveThreadElement(tagName = "live-thread"): void {
  if (customElements.get(tagName)) return;

  class LiveThreadElementImpl extends HTMLElement implements LiveThreadElement {
    static observedAttributes = ["topic", "server", "category"];
    private readonly shadow = this.attachShadow({ mode: "open" });
    private readonly life = new ElementClient<ThreadView>(this, tagName, (client, provider, isCurrent) => this.start(client, provider, isCurrent));

    get accessToken() {
      return this.life.accessToken;
    }

    set accessToken(provider) {
      this.life.accessToken = provider;
    }

    get client() {
      return this.life.client;
    }

    connectedCallback() {
      void this.life.restart();
    }

    disconnectedCallback() {
      this.life.stop();
    }

    attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
      if (previous !== next && this.isConnected) void this.life.restart();
    }

    private async start(client: LiveCommunity, provider: (() => string | Promise<string>) | undefined, isCurrent: () => boolean) {
      const topicId = this.getAttribute("topic");
      const message = h("p", { class: "hint", role: "status" }, topicId ? "Loading discussion…" : "No topic given.");
      this.shadow.replaceChildren(h("style", {}, styles + moderationStyles), message);
      if (!topicId) return undefined;
      try {
        const viewer = viewerFromToken(provider ? await provider() : "");
        // The server's limits are a nicety: a server without /api/config still gets its thread, uncounted.
        const [thread, config] = await Promise.all([client.watch(topicId), client.config().catch(() => undefined)]);
        if (!isCurrent()) return undefined;
        message.remove();
        return new ThreadView(this.shadow, client, thread, viewer, {
          config,
          category: this.getAttribute("category") ?? undefined,
        });
      } catch (error) {
        if (!isCurrent()) return undefined;
        message.textContent = `This discussion could not be loaded: ${(error as Error).message}`;
        message.className = "error";
        return undefined;
      }
    }
  }

  customElements.define(tagName, LiveThreadElementImpl);
}
