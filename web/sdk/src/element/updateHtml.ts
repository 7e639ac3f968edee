import { webUrl } from "./dom";

/** What an update's HTML may hold: the server's own allow-list (UpdateMarkdown), checked again here. */
const ALLOWED = new Set(["p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"]);
/** Elements whose text is no reader's text: dropped whole rather than kept as text. */
const DROPPED = new Set(["script", "style", "template", "noscript", "iframe", "object", "svg", "math"]);

/**
 * An update's `html` (the server's sanitized rendering of its Markdown: the one HTML the SDK inserts) as nodes,
 * checked again as defence in depth: parsed into an inert document (nothing runs, nothing loads), then copied
 * into fresh elements of the allow-list only, with no attribute but an http(s) `href` on links (with a `rel`
 * of our own). Other elements leave their text behind, as on the server.
 */
export function updateHtml(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  const fragment = document.createDocumentFragment();
  copyChildren(parsed.body, fragment);
  return fragment;
}

function copyChildren(from: Node, into: Node): void {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      into.appendChild(document.createTextNode(node.textContent ?? ""));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue; // comments and the like
    const tag = (node as Element).localName;
    if (DROPPED.has(tag)) continue;
    if (!ALLOWED.has(tag)) {
      copyChildren(node, into);
      continue;
    }
    const copy = document.createElement(tag);
    if (tag === "a") {
      const href = webUrl((node as Element).getAttribute("href") ?? "");
      if (href) {
        copy.setAttribute("href", href.href);
        copy.setAttribute("rel", "nofollow noopener noreferrer");
      }
    }
    copyChildren(node, copy);
    into.appendChild(copy);
  }
}
