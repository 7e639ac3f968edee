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

/** What `clientElementBase` gives an element: public to TypeScript only so declarations can name it. */
export interface ClientElementMembers<View> extends HTMLElement {
  accessToken: TokenProvider | undefined;
  readonly client: LiveCommunity | undefined;
  /** @internal */
  readonly shadow: ShadowRoot;
  /** @internal */
  readonly life: ElementClient<View & { dispose(): void }>;
  /** @internal Builds the element's content for a fresh client (see ElementClient). */
  start(client: LiveCommunity, provider: TokenProvider | undefined, isCurrent: () => boolean): Promise<View | undefined>;
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, previous: string | null, next: string | null): void;
}

/**
 * The base class of an element built on ElementClient: the `accessToken` and `client` properties, and a client
 * (re)started when the element enters the page or an observed attribute changes, stopped when it leaves. Made
 * inside each define function, since HTMLElement exists only in a browser.
 */
export function clientElementBase<View extends { dispose(): void }>(tagName: string): abstract new () => ClientElementMembers<View> {
  abstract class ClientElement extends HTMLElement implements ClientElementMembers<View> {
    readonly shadow = this.attachShadow({ mode: "open" });
    readonly life = new ElementClient<View>(this, tagName, (client, provider, isCurrent) => this.start(client, provider, isCurrent));

    get accessToken(): TokenProvider | undefined {
      return this.life.accessToken;
    }

    set accessToken(provider: TokenProvider | undefined) {
      this.life.accessToken = provider;
    }

    get client(): LiveCommunity | undefined {
      return this.life.client;
    }

    connectedCallback() {
      void this.life.restart();
    }

    disconnectedCallback() {
      this.life.stop();
    }

    attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
      if (previous !== next && this.isConnected) void this.life.restart();
    }

    abstract start(client: LiveCommunity, provider: TokenProvider | undefined, isCurrent: () => boolean): Promise<View | undefined>;
  }
  return ClientElement;
}
