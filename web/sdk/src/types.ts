// Wire types of PROTOCOL.md (version 1 and its version 2 additions). Names and shapes mirror the server's JSON exactly.
import type { UpdateEditedEvent, UpdatePostedEvent, UpdateRemovedEvent, UpdatesSeqEvent } from "./updateTypes";

/** Counts per reaction kind; every configured kind is listed, zero included. */
export type Reactions = Record<string, number>;

export interface Author {
  id: string;
  name: string;
  /** The author's label at the time of writing (e.g. "Reporter", at most 32 characters); absent when none. */
  badge?: string;
}

export interface Topic {
  id: string;
  title: string;
  body: string;
  sourceUrls: string[];
  author: Author;
  createdAt: string;
  locked: boolean;
  /** New replies are held for review before readers see them. */
  premoderated: boolean;
  replyCount: number;
  reactions: Reactions;
  lastSeq: number;
  /** The host site's own id of the article this topic discusses (PROTOCOL.md v3), or null. */
  articleId?: string | null;
  /** The article's address, or null. */
  url?: string | null;
  /** When new replies stop being taken, or null. */
  closesAt?: string | null;
  /** Whether new replies are refused (409 "closed"). */
  closed?: boolean;
  /** How many live updates the topic has (PROTOCOL.md v3 "live blog"). */
  updateCount?: number;
  /** The reaction kinds the signed-in caller has set on it (REST answers only; `[]` when anonymous). */
  mine?: string[];
}

/** One article of `GET /api/articles/counts`. */
export interface ArticleCount { topicId: string; replyCount: number; reactions: Reactions; watchers: number }

/** `GET /api/articles/counts?ids=`: unknown ids are absent. */
export interface ArticleCounts { items: Record<string, ArticleCount> }

export interface Reply {
  id: string;
  topicId: string;
  parentId: string | null;
  author: Author;
  /** Plain text. Render it as text, never as HTML. */
  body: string;
  createdAt: string;
  editedAt: string | null;
  reactions: Reactions;
  /** The seq of its ReplyPosted: its place in the thread. Null while it is held for review. */
  seq: number | null;
  /** The reaction kinds the signed-in caller has set on it (REST answers only; `[]` when anonymous). */
  mine?: string[];
  /** "pending" when the reply is held for review (only its author and moderators see it). */
  status?: "pending";
  /** Lifted by the newsroom into the thread's "Featured" strip (PROTOCOL.md v3); changed live by `ReplyFeatured`. */
  featured?: boolean;
}

/** `GET /api/me`: the signed-in reader. `unread` stays 0 until the server has notifications. */
export interface Account { id: string; name: string; role: string; muted: string[]; unread: number }

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ReplyPage extends Page<Reply> {
  /** Read by the server before the replies, so watching from here misses nothing. */
  lastSeq: number;
}

export interface ReplyPostedEvent { topicId: string; seq: number; reply: Reply }
export interface ReplyEditedEvent { topicId: string; seq: number; reply: Reply }
export interface ReplyRemovedEvent { topicId: string; seq: number; replyId: string }
export interface ReplyRestoredEvent { topicId: string; seq: number; reply: Reply }
export interface ReplyFeaturedEvent { topicId: string; seq: number; replyId: string; featured: boolean }
export interface ReactionsChangedEvent { topicId: string; seq: number; replyId: string | null; reactions: Reactions }
export interface TopicUpdatedEvent { topicId: string; seq: number; topic: Topic }
export interface PresenceChangedEvent { topicId: string; watchers: number }
/** A watched topic's last seq now (no seq of its own): a thread behind it missed events and watches again. */
export interface TopicSeqEvent { topicId: string; lastSeq: number }

/** The hub's sequenced events by name: the server → client half of the hub contract. */
export interface TopicEventMap {
  ReplyPosted: ReplyPostedEvent;
  ReplyEdited: ReplyEditedEvent;
  ReplyRemoved: ReplyRemovedEvent;
  ReplyRestored: ReplyRestoredEvent;
  ReplyFeatured: ReplyFeaturedEvent;
  ReactionsChanged: ReactionsChangedEvent;
  TopicUpdated: TopicUpdatedEvent;
  UpdatePosted: UpdatePostedEvent;
  UpdateEdited: UpdateEditedEvent;
  UpdateRemoved: UpdateRemovedEvent;
}

export type TopicEventType = keyof TopicEventMap;

/** The hub's events without seq, by name: hints about watched topics and the live topic list. */
export interface HintEventMap {
  PresenceChanged: PresenceChangedEvent;
  TopicSeq: TopicSeqEvent;
  TopicPosted: TopicPostedEvent;
  TopicStats: TopicStatsEvent;
  /** To updates-only watchers (`WatchUpdates`, the live blog's): the seq of the topic's newest update event. */
  UpdatesSeq: UpdatesSeqEvent;
}

/** A sequenced event tagged with its name, as in `Watch(...).missed`. */
export type TopicEvent = { [K in TopicEventType]: TopicEventMap[K] & { type: K } }[TopicEventType];

export interface WatchResult {
  topicId: string;
  lastSeq: number;
  watchers: number;
  reset: boolean;
  missed: TopicEvent[];
}

/** What reaction calls answer: the target's counts and the kinds the caller has set on it now. */
export interface ReactionsResult {
  reactions: Reactions;
  mine: string[];
}

/** The live topic list: a new topic (no seq; `topic` carries no `mine`). */
export interface TopicPostedEvent { topic: Topic }

/** The live topic list: a topic's counts now (no seq; at most about one a second per topic while it changes). */
export interface TopicStatsEvent { topicId: string; replyCount: number; reactions: Reactions; watchers: number }

/** Text limits of `GET /api/config`: characters (JavaScript `length`) of the trimmed text. */
export interface TextLimits {
  replyMaxLength: number;
  titleMaxLength: number;
  topicBodyMaxLength: number;
  /** A moderator's reason (removal, ban, rejection). */
  reasonMaxLength: number;
  /** A reader's note on a report. */
  noteMaxLength: number;
  maxSourceUrls: number;
  editWindowSeconds: number;
}

/** `GET /api/config`: what a client needs to know about the server before its first write. */
export interface ServerConfig {
  reactionKinds: string[];
  /** The reasons a reader may give when reporting a reply. */
  reportReasons: string[];
  limits: TextLimits;
  /** Whether `POST /api/dev/token` exists (development servers). */
  devTokens: boolean;
}

/** The orders of a reply list (`GET /api/topics/{id}/replies?order=`). */
export type ReplyOrder = "oldest" | "newest" | "top";
