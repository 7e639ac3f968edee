// Wire types of PROTOCOL.md "Reader reports and the moderation queue" and "Erasure". Names and shapes mirror the
// server's JSON exactly.
import type { Reply } from "./types";

/** Why a reader reports a reply. */
export type ReportReason = "spam" | "abuse" | "off-topic" | "other";

/** The reasons in the order a form offers them. */
export const REPORT_REASONS: readonly ReportReason[] = ["spam", "abuse", "off-topic", "other"];

/** The longest note a report may carry. */
export const REPORT_NOTE_MAX = 500;

export interface ReportResult {
  reported: true;
}

/** The queue a reply waits in: reported by readers, or held before publication. */
export type QueueState = "reported" | "pending";

/** Which queue to list; "all" lists both. */
export type QueueFilter = QueueState | "all";

export interface QueueCounts {
  reported: number;
  pending: number;
}

export interface QueueItem {
  reply: Reply;
  topic: { id: string; title: string };
  state: QueueState;
  /** Reported often enough that readers no longer see it (until it is approved). */
  hidden: boolean;
  /** Reports by reason; reasons nobody gave may be absent. */
  reports: Partial<Record<ReportReason, number>>;
  reportCount: number;
  /** When it entered the queue. */
  since: string;
  /** Raised by every edit of the reply; approve with it (absent from servers before protocol v3). */
  version?: number;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
  counts: QueueCounts;
}

export interface QueueQuery {
  /** Default "all". */
  state?: QueueFilter;
  topicId?: string;
  limit?: number;
  cursor?: string | null;
}

/** What happened to a reply in the queue: it entered one, or a moderator decided. */
export type QueueChange = QueueState | "approved" | "rejected";

/** Hub event `QueueChanged` (no seq: after a reconnect, reload the queue over REST). */
export interface QueueChangedEvent {
  replyId: string;
  topicId: string;
  state: QueueChange;
  counts: QueueCounts;
}

export interface WatchQueueResult {
  counts: QueueCounts;
}
