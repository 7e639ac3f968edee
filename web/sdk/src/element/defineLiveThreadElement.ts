import { LiveCommunity } from "../LiveCommunity";
import { isTokenAllowed } from "../TokenPolicy";
import { h, viewerFromToken } from "./dom";
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
    private tokenProvider: (() => string | Promise<string>) | undefined;
    private current: { client: LiveCommunity; view?: ThreadView } | undefined;
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

    private tokenAllowed(server: string): boolean {
      if (isTokenAllowed(server)) return true;
      console.warn(`<${tagName}>: not sending the reader's token to ${server}; the page may allow it with LiveCommunity.allowTokenFor(${JSON.stringify(server)})`);
      return false;
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
      const topicId = this.getAttribute("topic");
      const server = this.getAttribute("server") || location.origin;
      const message = h("p", { class: "hint", role: "status" }, topicId ? "Loading discussion…" : "No topic given.");
      this.shadow.replaceChildren(h("style", {}, styles + moderationStyles), message);
      if (!topicId) return;

      const provider = this.tokenProvider && this.tokenAllowed(server) ? this.tokenProvider : undefined;
      const client = new LiveCommunity({ baseUrl: server, accessToken: provider });
      this.current = { client };
      try {
        const viewer = viewerFromToken(provider ? await provider() : "");
        // The server's limits are a nicety: a server without /api/config still gets its thread, uncounted.
        const [thread, config] = await Promise.all([client.watch(topicId), client.config().catch(() => undefined)]);
        if (generation !== this.generation) return;
        message.remove();
        this.current.view = new ThreadView(this.shadow, client, thread, viewer, {
          config,
          category: this.getAttribute("category") ?? undefined,
        });
      } catch (error) {
        if (generation !== this.generation) return;
        message.textContent = `This discussion could not be loaded: ${(error as Error).message}`;
        message.className = "error";
      }
    }
  }

  customElements.define(tagName, LiveThreadElementImpl);
}
