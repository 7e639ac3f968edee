// Wire types of PROTOCOL.md v3 "Notifications". Names and shapes mirror the server's JSON exactly.

/** Why a reader is notified: a reply to their reply, their reply featured, their held reply approved or rejected. */
export type NotificationKind = "reply" | "featured" | "approved" | "rejected";

export interface Notification {
  id: string;
  kind: NotificationKind;
  topic: { id: string; title: string; articleId: string | null; url: string | null };
  /** The reply the notification is about: the new reply for `reply`, the reader's own reply otherwise. */
  replyId: string;
  /** Who did it; null where no reader did (a moderator's decision may be anonymous). */
  from: { id: string; name: string } | null;
  /** At most 140 characters of the reply's text; absent once the reply is removed. */
  excerpt?: string;
  at: string;
  read: boolean;
}

/** `GET /me/notifications`: newest first, with the reader's unread count. */
export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  unread: number;
}

/** Hub event `Notified`, sent to every connection of the notified reader. */
export interface NotifiedEvent {
  notification: Notification;
  unread: number;
}

/** Hub event `NotificationsRead` (some tab marked notifications read), and the answer of `POST /me/notifications/read`. */
export interface NotificationsReadEvent {
  unread: number;
}
