import { enc, query, type ApiClient } from "./ApiClient";
import type { NewUpdate, Update, UpdateChanges, UpdatePage } from "./updateTypes";

/**
 * The live blog's REST routes (PROTOCOL.md v3), on the client's `api`. Apart from ApiClient so that the embed
 * bundle, which has no live blog, does not carry them (it is at its budget).
 */
export class UpdateApi {
  constructor(private readonly api: ApiClient) {}

  /** A page of the topic's live updates: pinned first, then newest first; key events only with `keyEvents`. */
  getUpdates(topicId: string, options: { limit?: number; cursor?: string | null; keyEvents?: boolean } = {}): Promise<UpdatePage> {
    const keyEvents = options.keyEvents ? "true" : undefined;
    return this.api.send("GET", `/api/topics/${enc(topicId)}/updates${query({ limit: options.limit, cursor: options.cursor, keyEvents })}`);
  }

  /** Journalists, moderators and admins: posts a live update (an `UpdatePosted` event follows). */
  postUpdate(topicId: string, update: NewUpdate): Promise<Update> {
    return this.api.send("POST", `/api/topics/${enc(topicId)}/updates`, update);
  }

  /** Journalists, moderators and admins: corrects, pins or unpins an update (`UpdateEdited`). */
  editUpdate(updateId: string, changes: UpdateChanges): Promise<Update> {
    return this.api.send("PATCH", `/api/updates/${enc(updateId)}`, changes);
  }

  /** Journalists, moderators and admins: deletes an update (`UpdateRemoved`). */
  removeUpdate(updateId: string): Promise<void> {
    return this.api.send("DELETE", `/api/updates/${enc(updateId)}`);
  }
}
