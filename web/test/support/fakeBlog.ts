// The live blog half of the unit tests' fake server (fakeServer.ts): updates kept as the server keeps them, their
// events recorded into the same topic log, and GET /api/topics/t1/updates answered pinned first, newest first.
import type { Quote, TopicEvent, Update } from "../../sdk/src/index";
import { json, type FakeServer } from "./fakeServer";

export class FakeBlog {
  updates: Update[] = [];

  constructor(private readonly server: FakeServer) {
    server.routes.push((method, url) => {
      if (method !== "GET" || url.pathname !== "/api/topics/t1/updates") return undefined;
      const keyEvents = url.searchParams.get("keyEvents") === "true";
      const items = this.updates.filter((u) => !keyEvents || u.keyEvent)
        .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.seq - a.seq);
      return json({ items, nextCursor: null, lastSeq: server.topic.lastSeq });
    });
  }

  post(id: string, options: { pinned?: boolean; keyEvent?: boolean; quote?: Quote } = {}): TopicEvent {
    const update: Update = {
      id, topicId: "t1", seq: 0, author: { id: "u-jo", name: "Jo", badge: "Reporter" }, body: `update ${id}`, html: `<p>update ${id}</p>`,
      keyEvent: options.keyEvent ?? false, pinned: options.pinned ?? false, quote: options.quote ?? null,
      createdAt: new Date(Date.UTC(2030, 0, 1, 12)).toISOString(), editedAt: null,
    };
    const event = this.server.record({ type: "UpdatePosted", topicId: "t1", seq: 0, update });
    update.seq = event.seq;
    this.updates.push(update);
    return event;
  }

  edit(id: string, changes: Partial<Update>): TopicEvent {
    const index = this.updates.findIndex((u) => u.id === id);
    const update = { ...this.updates[index]!, ...changes, editedAt: new Date(Date.UTC(2030, 0, 1, 13)).toISOString() };
    this.updates[index] = update;
    return this.server.record({ type: "UpdateEdited", topicId: "t1", seq: 0, update });
  }

  remove(id: string): TopicEvent {
    this.updates = this.updates.filter((u) => u.id !== id);
    return this.server.record({ type: "UpdateRemoved", topicId: "t1", seq: 0, updateId: id });
  }
}
