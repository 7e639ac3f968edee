import { watchBlog } from "../LiveBlog";
import type { LiveCommunity } from "../LiveCommunity";
import { articleTopicId, type ArticleTokenSource } from "./articleTopic";
import { blogStyles } from "./blogStyles";
import { BlogView } from "./BlogView";
import { h } from "./dom";
import { clientElementBase } from "./ElementClient";
import { styles } from "./styles";

/** What `<live-blog>` offers to script, besides its `topic`, `article`, `server` and `page-size` attributes. */
export interface LiveBlogElement extends HTMLElement {
  /** The reader's token provider, as `<live-thread>`'s (reading needs none; the same rules for `server`). */
  accessToken: (() => string | Promise<string>) | undefined;
  /** For `article="…"`: as `<live-thread>`'s, used only when the article has no topic yet, to create it. */
  articleToken: ArticleTokenSource | undefined;
  /** The client the element uses while connected to the page. */
  readonly client: LiveCommunity | undefined;
}

/**
 * Registers `<live-blog topic="…" server="…">` (or `article="…"`): a topic's live updates from the newsroom
 * (PROTOCOL.md v3), newest first with pinned ones on top, a key-events list, an "N new updates" pill for a
 * reader who has scrolled down, in a shadow root themed by the --lc-* custom properties. `page-size`: updates per
 * page (default 20). `data-updates` on the element says how many it holds, so a page can hide an empty blog.
 * Not in the browser bundle (livecommunity.js); runs only in a browser.
 */
export function defineLiveBlogElement(tagName = "live-blog"): void {
  if (customElements.get(tagName)) return;

  class LiveBlogElementImpl extends clientElementBase<BlogView>(tagName) implements LiveBlogElement {
    static observedAttributes = ["topic", "article", "server", "page-size"];
    articleToken: ArticleTokenSource | undefined;

    override async start(client: LiveCommunity, _provider: unknown, isCurrent: () => boolean) {
      const articleId = this.getAttribute("topic") ? null : this.getAttribute("article");
      const message = h("p", { class: "hint", role: "status" }, "Loading live updates…");
      this.shadow.replaceChildren(h("style", {}, styles + blogStyles), message);
      try {
        const topicId = articleId ? await articleTopicId(client.api, articleId, this.articleToken) : this.getAttribute("topic");
        if (!isCurrent()) return undefined;
        if (!topicId) {
          message.textContent = articleId ? "There are no live updates for this article yet." : "No topic given.";
          this.dataset.updates = "0";
          return undefined;
        }
        const pageSize = Number(this.getAttribute("page-size"));
        const blog = await watchBlog(client, topicId, { pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 100) : 20 });
        if (!isCurrent()) {
          blog.close();
          return undefined;
        }
        message.remove();
        return new BlogView(this.shadow, blog);
      } catch (error) {
        if (!isCurrent()) return undefined;
        message.textContent = `The live updates could not be loaded: ${(error as Error).message}`;
        message.className = "error";
        return undefined;
      }
    }
  }

  customElements.define(tagName, LiveBlogElementImpl);
}
