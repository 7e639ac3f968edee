import { LiveCommunity } from "../LiveCommunity";
import { isTokenAllowed } from "../TokenPolicy";

type TokenProvider = () => string | Promise<string>;

/**
 * The client lifecycle that `<live-thread>` and `<moderation-queue>` share: one LiveCommunity client for the
 * element's server and token, rebuilt when either (or an observed attribute) changes and closed when the
 * element leaves the page. The token goes only to servers the page allows (TokenPolicy). A start that a later
 * restart overtook is dropped, so a slow load never lands in an element that has moved on.
 */
export class ElementClient<View extends { dispose(): void }> {
  private tokenProvider: TokenProvider | undefined;
  private current: { client: LiveCommunity; view?: View } | undefined;
  private generation = 0;

  /**
   * @param start builds the element's content for a fresh client; `isCurrent()` turns false once another
   * restart or a stop has overtaken it. Resolves to the view to dispose later, if any.
   */
  constructor(
    private readonly host: HTMLElement,
    private readonly tagName: string,
    private readonly start: (client: LiveCommunity, provider: TokenProvider | undefined, isCurrent: () => boolean) => Promise<View | undefined>,
  ) {}

  get accessToken(): TokenProvider | undefined {
    return this.tokenProvider;
  }

  set accessToken(provider: TokenProvider | undefined) {
    this.tokenProvider = provider;
    if (this.host.isConnected) void this.restart();
  }

  get client(): LiveCommunity | undefined {
    return this.current?.client;
  }

  stop(): void {
    this.generation++;
    this.current?.view?.dispose();
    void this.current?.client.close();
    this.current = undefined;
  }

  async restart(): Promise<void> {
    this.stop();
    const generation = this.generation;
    const isCurrent = () => generation === this.generation;
    const server = this.host.getAttribute("server") || location.origin;
    let provider = this.tokenProvider;
    if (provider && !isTokenAllowed(server)) {
      console.warn(`<${this.tagName}>: not sending the token to ${server}; the page may allow it with LiveCommunity.allowTokenFor(${JSON.stringify(server)})`);
      provider = undefined;
    }
    const current: { client: LiveCommunity; view?: View } = { client: new LiveCommunity({ baseUrl: server, accessToken: provider }) };
    this.current = current;
    const view = await this.start(current.client, provider, isCurrent);
    if (!view) return;
    if (isCurrent()) current.view = view;
    else view.dispose();
  }
}
