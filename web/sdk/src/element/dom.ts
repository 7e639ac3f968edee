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

/** A `<time>` showing "5 minutes ago", with the full date as its tooltip. */
export function timeElement(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  let amount = (date.getTime() - Date.now()) / 1000;
  let unit: Intl.RelativeTimeFormatUnit = "second";
  for (const [name, size] of steps) {
    unit = name;
    if (Math.abs(amount) < size) break;
    amount /= size;
  }
  const text = Math.abs(amount) < 10 && unit === "second" ? "just now" : relative.format(Math.round(amount), unit);
  return h("time", { datetime: iso, title: absolute.format(date) }, text);
}

/** Only web links become links; anything else (javascript:, data:) stays text. */
export function safeLink(url: string): HTMLElement {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return h("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer nofollow" }, parsed.hostname.replace(/^www\./, ""));
    }
  } catch {
    // not a URL: shown as text below
  }
  return h("span", {}, url);
}

export interface Viewer {
  userId: string | null;
  name: string | null;
  role: string;
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
