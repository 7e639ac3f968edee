/**
 * Which servers may receive the reader's token. `<live-thread>` takes its `server` from markup, and markup
 * is not always the page's own code (a CMS field, a template, an injected tag); so the element sends the
 * token only to the page's own origin and to origins the page's script allowed with `allowTokenFor`.
 * Anywhere else it reads anonymously.
 */
const allowedOrigins = new Set<string>();

/** Lets `<live-thread>` send the reader's token to this server (a URL or an origin). Call it from the page's own script. */
export function allowTokenFor(server: string): void {
  allowedOrigins.add(originOf(server));
}

/** Whether the reader's token may go to `server`: the page's own origin, or one allowed with `allowTokenFor`. */
export function isTokenAllowed(server: string, pageOrigin: string | undefined = globalThis.location?.origin): boolean {
  const origin = originOf(server, pageOrigin);
  return origin === pageOrigin || allowedOrigins.has(origin);
}

function originOf(server: string, base?: string): string {
  try {
    return new URL(server, base).origin;
  } catch {
    return "null"; // not a URL: never allowed
  }
}
