import { HttpTransportType, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";

/**
 * The part of a SignalR `HubConnection` the SDK uses. The real one fits it as is;
 * tests inject a fake to drive ordering, gaps and reconnects deterministically.
 * Reconnecting is the SDK's job (see RetryPolicy), so the connection must not reconnect by itself.
 */
export interface HubConnectionLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke<T>(methodName: string, ...args: unknown[]): Promise<T>;
  on(methodName: string, handler: (...args: unknown[]) => void): void;
  onclose(callback: (error?: Error) => void): void;
}

/** Makes the hub connection for a hub URL; `accessToken` is called on every (re)connect. */
export type HubConnectionFactory = (hubUrl: string, accessToken: () => Promise<string>) => HubConnectionLike;

/**
 * Websockets without negotiation: one hub connection is one TCP connection to one server instance, so a
 * cluster needs no sticky sessions behind its load balancer (docs/deployment.md).
 */
export const createSignalRConnection: HubConnectionFactory = (hubUrl, accessToken) =>
  new HubConnectionBuilder()
    .withUrl(hubUrl, { accessTokenFactory: accessToken, transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(LogLevel.None)
    .build();
