import type { Update } from "../updateTypes";
import { authorLabel, h, timeElement } from "./dom";
import { updateHtml } from "./updateHtml";

/**
 * One update of `<live-blog>`: an article focusable from the key-events list, named by its heading line (author
 * and time), with flags for pinned and key events, a "Corrected" mark with the time of the last correction, the
 * body from the server's sanitized `html`, and a quoted reply as text.
 */
export function updateItem(update: Update, domId: string): HTMLLIElement {
  const headId = `${domId}-head`;
  const head = h("p", { class: "update-head", id: headId },
    update.pinned && h("span", { class: "badge pinned-badge" }, "Pinned"),
    update.keyEvent && h("span", { class: "badge key-badge" }, "Key event"),
    ...authorLabel(update.author),
    timeElement(update.createdAt),
    update.editedAt && h("span", { class: "corrected" }, "Corrected ", timeElement(update.editedAt)));
  const body = h("div", { class: "update-body" });
  body.append(updateHtml(update.html));
  const quote = update.quote && h("figure", { class: "quote" },
    h("blockquote", { class: "quote-body" }, update.quote.body),
    h("figcaption", { class: "quote-author" }, "— ", ...authorLabel(update.quote.author), ", a reader"));
  return h("li", { class: `update${update.pinned ? " pinned" : ""}${update.keyEvent ? " key" : ""}`, "data-update-id": update.id },
    h("article", { id: domId, tabindex: -1, "aria-labelledby": headId }, head, body, quote));
}

/** A short text of an update for lists and announcements: its words, without markup, cut at `max` characters. */
export function updateExcerpt(update: Update, max = 90): string {
  const text = (new DOMParser().parseFromString(update.html, "text/html").body.textContent ?? "").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
