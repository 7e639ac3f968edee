// DOM helpers for the element. Data only ever reaches the page as text nodes or
// attribute values: there is no innerHTML anywhere, so a reply cannot inject markup.

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (`true` = present, false/undefined = absent) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const steps: [Intl.RelativeTimeFormatUnit, number][] = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7], ["week", 4.35], ["month", 12], ["year", Infinity]];

/** "just now", "5 minutes ago", "3 days ago". */
export function relativeText(iso: string, now = Date.now()): string {
  let amount = (new Date(iso).getTime() - now) / 1000;
  let unit: Intl.RelativeTimeFormatUnit = "second";
  for (const [name, size] of steps) {
    unit = name;
    if (Math.abs(amount) < size) break;
    amount /= size;
  }
  return Math.abs(amount) < 10 && unit === "second" ? "just now" : relative.format(Math.round(amount), unit);
}

/** A `<time>` showing "5 minutes ago", with the exact date and time as its tooltip (and `datetime`). */
export function timeElement(iso: string): HTMLTimeElement {
  return h("time", { datetime: iso, title: absolute.format(new Date(iso)) }, relativeText(iso));
}

/** Brings every relative `<time>` under `root` up to date ("just now" becomes "2 minutes ago"). */
export function refreshTimes(root: ParentNode): void {
  const now = Date.now();
  for (const time of root.querySelectorAll("time[datetime]")) {
    const text = relativeText(time.getAttribute("datetime")!, now);
    if (time.textContent !== text) time.textContent = text;
  }
}

/** The author's name, then their badge ("Reporter") when they have one; both as text, never markup. */
export function authorLabel(author: { name: string; badge?: string }): Node[] {
  const name = h("span", { class: "author" }, author.name);
  return author.badge ? [name, h("span", { class: "badge author-badge" }, author.badge)] : [name];
}

/**
 * A round badge with the author's initial, coloured by their id (the same person, the same colour). Decorative:
 * the name is always written next to it.
 */
export function avatar(author: { id: string; name: string }): HTMLElement {
  let hash = 0;
  for (const c of author.id) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const initial = (Array.from(author.name.trim())[0] ?? "?").toLocaleUpperCase();
  return h("span", { class: "avatar", "aria-hidden": "true", style: `--hue: ${hash % 360}` }, initial);
}

/** A source's site name: its hostname without "www.". */
export function siteName(url: URL): string {
  return url.hostname.replace(/^www\./, "");
}

/** Only web links become links, named by their site; anything else (javascript:, data:) stays text. */
export function safeLink(url: string): HTMLElement {
  const parsed = webUrl(url);
  return parsed
    ? h("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer nofollow", title: parsed.href }, siteName(parsed))
    : h("span", {}, url);
}

/** The URL when it is an http(s) address, else null. */
export function webUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

export interface Viewer {
  userId: string | null;
  name: string | null;
  role: string;
}

/** Moderators and admins see the moderation controls; the server checks the right again. */
export function canModerate(viewer: Viewer): boolean {
  return viewer.role === "moderator" || viewer.role === "admin";
}

/** Reads `sub`, `name` and `role` from a JWT for display only: the server checks the signature and the rights. */
export function viewerFromToken(token: string): Viewer {
  const payload = token.split(".")[1];
  if (!payload) return { userId: null, name: null, role: "anonymous" };
  try {
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const role = claims.role ?? claims["http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];
    return {
      userId: typeof claims.sub === "string" ? claims.sub : null,
      name: typeof claims.name === "string" ? claims.name : null,
      role: typeof role === "string" ? role : "member",
    };
  } catch {
    return { userId: null, name: null, role: "anonymous" };
  }
}

/** Runs a user action and shows its error (a hub or REST message) next to where it was asked for. */
export async function runAction(errorBox: HTMLElement, action: () => Promise<unknown>): Promise<boolean> {
  errorBox.textContent = "";
  try {
    await action();
    return true;
  } catch (error) {
    errorBox.textContent = (error as Error).message;
    return false;
  }
}
