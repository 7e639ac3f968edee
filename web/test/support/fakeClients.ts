// Clients of the unit tests' fake server, closed after each test of the file that asked for them.
import { afterEach } from "node:test";
import { LiveCommunity } from "../../sdk/src/index";
import type { FakeServer } from "./fakeServer";

/** Registers the closing and returns `connect(server)`: a client on the fake server's fetch and hub. */
export function fakeClients(): (server: FakeServer) => LiveCommunity {
  const clients: LiveCommunity[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  return (server) => {
    const client = new LiveCommunity({
      baseUrl: "http://fake", fetch: server.fetch, connectionFactory: () => server.hub, gapWaitMs: 30,
      retryPolicy: () => 5, networkEvents: new EventTarget(),
    });
    clients.push(client);
    return client;
  };
}
