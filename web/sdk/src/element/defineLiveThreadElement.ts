import type { LiveCommunity } from "../LiveCommunity";
import { articleTopicId, type ArticleTokenSource } from "./articleTopic";
import { h, viewerFromToken } from "./dom";
import { clientElementBase } from "./ElementClient";
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
  /**
   * For `article="…"`: the article token the host site signed (or a function returning it, or a promise of it).
   * Used only when the article has no discussion yet, to create it on first view; without one the element says
   * there is no discussion yet.
   */
  articleToken: ArticleTokenSource | undefined;
  /** The client the element uses while connected to the page. */
  readonly client: LiveCommunity | undefined;
}

/**
 * Registers `<live-thread topic="…" server="…" category="…">` (or `article="…"`, the host site's own id,
 * instead of `topic`): a whole live thread, in a shadow root,
 * themed by --lc-* custom properties. `server` defaults to the page's own origin; `category` (optional) is
 * the section label shown above the title. The reply box counts against the server's limit (`GET /api/config`).
 * Runs only in a browser; call it once (the browser bundle does).
 */
export function defineLiveThreadElement(tagName = "live-thread"): void {
  if (customElements.get(tagName)) return;

  class LiveThreadElementImpl extends clientElementBase<ThreadView>(tagName) implements LiveThreadElement {
    static observedAttributes = ["topic", "article", "server", "category"];
    private articleTokenValue: ArticleTokenSource | undefined;

    get articleToken() {
      return this.articleTokenValue;
    }

    set articleToken(token) {
      this.articleTokenValue = token;
      // A load under way reads the token when it needs it; only an element that already found no discussion
      // starts again. A shown thread keeps going.
      if (this.isConnected && this.shadow.querySelector(".no-discussion")) void this.life.restart();
    }

    override async start(client: LiveCommunity, provider: (() => string | Promise<string>) | undefined, isCurrent: () => boolean) {
      let topicId = this.getAttribute("topic");
      const articleId = topicId ? null : this.getAttribute("article");
      const message = h("p", { class: "hint", role: "status" }, topicId || articleId ? "Loading discussion…" : "No topic given.");
      this.shadow.replaceChildren(h("style", {}, styles + moderationStyles), message);
      if (!topicId && !articleId) return undefined;
      try {
        if (!topicId) {
          topicId = await articleTopicId(client.api, articleId!, () => {
            const token = this.articleTokenValue;
            return typeof token === "function" ? token() : token ?? "";
          });
          if (!isCurrent()) return undefined;
          if (!topicId) {
            message.textContent = "There is no discussion for this article yet.";
            message.className = "hint no-discussion";
            return undefined;
          }
        }
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
