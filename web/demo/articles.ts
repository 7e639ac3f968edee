// The demo's news-site side (PROTOCOL.md v3 "Articles"): a teaser list that shows each article's reply count
// the way a host site would (`data-livecommunity-count` + `LiveCommunity.counts`), and article pages that embed
// `<live-thread article="…">` by the site's own article id.
import { counts, LiveCommunity, type CountsHandle } from "../sdk/src/index";
import type { LiveThreadElement } from "../sdk/src/elements";

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string | null | false)[]) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

const back = () => h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" },
  h("ol", {}, h("li", {}, h("a", { href: "#/" }, "Community")), h("li", {}, h("a", { href: "#/articles" }, "Front page"))));

/**
 * The front page of a news site: the articles that have a discussion, each teaser with a live reply count.
 * Returns what stops the counts when the reader leaves the page.
 */
export async function showArticles(app: HTMLElement, server: string): Promise<() => void> {
  const list = h("ul", { class: "teasers", "aria-label": "Articles" });
  app.replaceChildren(back(), h("h1", {}, "Front page"), list);
  document.title = "Front page · LiveCommunity";
  const page = await new LiveCommunity({ baseUrl: server }).topics(50);
  const articles = page.items.filter((topic) => topic.articleId);
  list.replaceChildren(...articles.map((topic) => h("li", { class: "teaser" },
    h("a", { href: `#/articles/${encodeURIComponent(topic.articleId!)}` }, topic.title),
    " ",
    h("span", { class: "teaser-count", "data-livecommunity-count": topic.articleId! }, "…"))));
  if (articles.length === 0) list.replaceChildren(h("li", {}, "No articles with a discussion yet."));
  let handle: CountsHandle | undefined;
  let left = false;
  void counts({ server, root: list }).then((started) => (left ? void started.stop() : (handle = started)), () => undefined);
  return () => {
    left = true;
    void handle?.stop();
  };
}

/** An article page: the thread found by the site's own article id. */
export function showArticle(app: HTMLElement, server: string, articleId: string, token: () => string): void {
  const thread = document.createElement("live-thread") as LiveThreadElement;
  thread.accessToken = token;
  thread.setAttribute("server", server);
  thread.setAttribute("article", articleId);
  app.replaceChildren(back(), h("div", { class: "card" }, thread));
  document.title = "Article · LiveCommunity";
}
