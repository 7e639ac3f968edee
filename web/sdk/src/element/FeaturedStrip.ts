// The "Featured" strip at the top of <live-thread>: the newsroom's picks, oldest first, as text only.
import type { Reply } from "../types";
import { authorLabel, avatar, h } from "./dom";

/** A labelled section, hidden while nothing is featured; `render` replaces its items. */
export class FeaturedStrip {
  private readonly list = h("ol", { class: "featured-list" });
  readonly element = h("section", { class: "featured", "aria-labelledby": "lc-featured", hidden: true },
    h("h2", { id: "lc-featured" }, "Featured"),
    this.list,
  );

  render(replies: readonly Reply[]): void {
    this.element.hidden = replies.length === 0;
    this.list.replaceChildren(...replies.map((reply) =>
      h("li", { class: "featured-reply", "data-reply-id": reply.id },
        h("div", { class: "reply-head" }, avatar(reply.author), ...authorLabel(reply.author)),
        h("p", { class: "reply-body" }, reply.body),
      )));
  }
}
