// Wire types of the live blog (PROTOCOL.md v3 "Live updates from the newsroom"). Names and shapes mirror the
// server's JSON exactly.
import type { Author } from "./types";

/** A reader's reply quoted by an update, as it read when quoted. Gone (null) once the reply is removed. */
export interface Quote {
  replyId: string;
  author: Author;
  /** Plain text: render it as text, never as HTML. */
  body: string;
}

export interface Update {
  id: string;
  topicId: string;
  /** The seq of its UpdatePosted: its place in the blog (newest first). */
  seq: number;
  author: Author;
  /** The author's limited Markdown, as written. */
  body: string;
  /** The server's sanitized rendering of `body`: the only HTML the SDK ever inserts (after its own allow-list). */
  html: string;
  keyEvent: boolean;
  pinned: boolean;
  quote: Quote | null;
  createdAt: string;
  /** When it was last corrected, or null. */
  editedAt: string | null;
}

/** `GET /api/topics/{id}/updates`: pinned first, then newest first; `lastSeq` read before the page. */
export interface UpdatePage {
  items: Update[];
  nextCursor: string | null;
  lastSeq: number;
}

/** `POST /api/topics/{id}/updates` (journalists, moderators, admins). */
export interface NewUpdate {
  body: string;
  keyEvent?: boolean;
  pinned?: boolean;
  /** A published reply of the same topic to quote. */
  quoteReplyId?: string;
}

/** `PATCH /api/updates/{id}`: a correction; what is absent stays as it was. */
export interface UpdateChanges {
  body?: string;
  keyEvent?: boolean;
  pinned?: boolean;
}

export interface UpdatePostedEvent { topicId: string; seq: number; update: Update }
/** A correction, a pin or unpin, or the quote leaving (`quote: null`) because the quoted reply was removed. */
export interface UpdateEditedEvent { topicId: string; seq: number; update: Update }
export interface UpdateRemovedEvent { topicId: string; seq: number; updateId: string }

/** An update event tagged with its name, as in `WatchUpdates(...).missed`. */
export type UpdateEvent =
  | (UpdatePostedEvent & { type: "UpdatePosted" })
  | (UpdateEditedEvent & { type: "UpdateEdited" })
  | (UpdateRemovedEvent & { type: "UpdateRemoved" });

/** `WatchUpdates(topicId, afterSeq)`: Watch's answer with only the update events in `missed`. */
export interface WatchUpdatesResult {
  topicId: string;
  /** The topic's lastSeq (replies move it too). */
  lastSeq: number;
  watchers: number;
  reset: boolean;
  missed: UpdateEvent[];
}

/** `UpdatesSeq`: the seq of the topic's newest update event (0: none yet). */
export interface UpdatesSeqEvent { topicId: string; lastSeq: number }
