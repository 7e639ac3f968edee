import type { Emitter } from "./Emitter";
import type { ThreadState } from "./ThreadState";
import type { Page, Reactions, Reply, ReplyOrder, Topic, TopicEvent } from "./types";
import type { UpdateEvent } from "./updateTypes";

/** The key of the topic's own reactions in `mineByTarget` (reply ids are never empty). */
const TOPIC_TARGET = "";

/** Events of a watched thread, by name. Sequenced ones carry the `seq` they were applied at. */
export interface ThreadEventMap {
  replyPosted: { reply: Reply; seq: number };
  replyEdited: { reply: Reply; seq: number };
  replyRemoved: { replyId: string; seq: number };
  replyRestored: { reply: Reply; seq: number };
  /** A reply went into (`featured` true) or out of the "Featured" strip; `featured` (the getter) is current. */
  replyFeatured: { replyId: string; featured: boolean; seq: number };
  /**
   * The reader's own reply was held for review (`status: "pending"`): it is in `replies` for this reader only,
   * until its `replyPosted` (approved) or `replyRemoved` arrives. Also when the reader's edit of a published
   * reply is held: other readers lose it (`ReplyRemoved`), its author keeps it in place, awaiting review, until
   * `replyRestored` (approved) or another `replyRemoved` (rejected).
   */
  replyHeld: { reply: Reply };
  /** `replyId` null: the topic's own reactions. */
  reactionsChanged: { replyId: string | null; reactions: Reactions; seq: number };
  topicUpdated: { topic: Topic; seq: number };
  /** The live blog's events, in the same seq order (the thread keeps no updates; a `LiveBlog` has its own watch). */
  update: UpdateEvent;
  presence: { watchers: number };
  state: { state: ThreadState; previous: ThreadState };
  /** The server no longer had the events needed to catch up: topic and replies were reloaded. */
  reset: { topic: Topic; replies: readonly Reply[] };
}

/**
 * What a thread shows: its topic, replies, featured replies and the reader's own reactions, and how a hub event
 * (applied in seq order by the thread), a REST page or the reader's own call changes them. Emits the thread's events.
 */
export class ThreadContent {
  private topicValue: Topic | undefined;
  /** Seq at which `topic` (its replyCount above all) was read; later events adjust it. */
  private topicSeq = 0;
  replies: Reply[] = [];
  /** The topic's featured replies, oldest first: loaded apart from the pages, since they may be on any of them. */
  featured: Reply[] = [];
  olderCursor: string | null = null;
  order: ReplyOrder = "oldest";
  unlisted = 0;
  readonly removedIds = new Set<string>();
  /** The reader's own published replies whose edit is held: the ReplyRemoved that hides them from others is not theirs. */
  private heldEdits = new Set<string>();
  /**
   * The caller's own reaction kinds per target (TOPIC_TARGET for the topic), from REST answers and reaction calls.
   * Events never carry `mine`, so a topic or reply an event replaces gets it from here.
   */
  private readonly mineByTarget = new Map<string, string[]>();

  /** `featuredElsewhere`: a reply on a page not loaded was featured, so the strip must be read again. */
  constructor(private readonly events: Emitter<ThreadEventMap>, private readonly featuredElsewhere: (replyId: string, seq: number) => void) {}

  get loaded(): boolean {
    return this.topicValue !== undefined;
  }

  get topic(): Topic {
    if (!this.topicValue) throw new Error("the thread is not loaded yet");
    return this.topicValue;
  }

  mine(replyId: string | null): readonly string[] {
    return this.mineByTarget.get(replyId ?? TOPIC_TARGET) ?? [];
  }

  /** A fresh snapshot: the topic, its first page (in top order if `top`, else newest first) and its featured replies. */
  reset(topic: Topic, page: Page<Reply>, featured: readonly Reply[], top: boolean): void {
    // The reader's own held replies are not in the page (readers never see them); keep them until decided.
    const listed = new Set(page.items.map((r) => r.id));
    const held = this.replies.filter((r) => r.status === "pending" && !listed.has(r.id));
    this.mineByTarget.clear();
    this.topicValue = this.adoptTopic(topic);
    this.topicSeq = topic.lastSeq;
    this.replies = [...(top ? page.items : page.items.slice().reverse()).map((r) => this.adopt(r)), ...held];
    this.unlisted = 0;
    this.featured = featured.map((r) => this.adopt(r));
    this.olderCursor = page.nextCursor;
    this.removedIds.clear();
  }

  /** The next page of a `loadOlder` (asked for in top order if `top`); returns the replies added. */
  addPage(page: Page<Reply>, top: boolean): readonly Reply[] {
    this.olderCursor = page.nextCursor;
    const known = new Set(this.replies.map((r) => r.id));
    const fresh = page.items.filter((r) => !known.has(r.id) && !this.removedIds.has(r.id));
    // Top order's next page goes after what is shown; seq order's older page in front of it.
    const added = (top ? fresh : fresh.reverse()).map((r) => this.adopt(r));
    this.replies = top ? [...this.replies, ...added] : [...added, ...this.replies];
    return added;
  }

  /** The featured replies read again (see `featuredElsewhere`). */
  setFeatured(items: readonly Reply[]): void {
    this.featured = items.filter((r) => !this.removedIds.has(r.id)).map((r) => this.adopt(r));
  }

  /** The reader's own reaction call answered: the kinds they set on the target now, and its counts. */
  reacted(replyId: string | null, mine: string[], reactions: Reactions, seq: number): void {
    this.mineByTarget.set(replyId ?? TOPIC_TARGET, mine);
    this.applyReactions(replyId, reactions, seq);
  }

  apply(event: TopicEvent): void {
    const counts = event.seq > this.topicSeq; // the topic snapshot already counts earlier events
    switch (event.type) {
      case "ReplyPosted": {
        const reply = this.adopt(event.reply);
        if (this.unhold(reply.id)) {
          // The reader's own held reply was approved: it now takes its place by seq, like any published reply.
          this.insert(reply);
          if (counts) this.adjustCount(+1);
          this.events.emit("replyPosted", { reply, seq: event.seq });
          return;
        }
        if (this.replace(reply)) return; // already loaded over REST: nothing new to tell
        this.insert(reply);
        if (counts) this.adjustCount(+1);
        this.events.emit("replyPosted", { reply, seq: event.seq });
        return;
      }
      case "ReplyEdited": {
        const reply = this.adopt(event.reply);
        if (this.replace(reply)) this.events.emit("replyEdited", { reply, seq: event.seq });
        return;
      }
      case "ReplyRemoved": {
        if (this.heldEdits.delete(event.replyId)) {
          // Readers lost the reader's own reply to its held edit; the reader keeps it, awaiting review.
          if (counts) this.adjustCount(-1);
          return;
        }
        if (this.removedIds.has(event.replyId)) return;
        this.removedIds.add(event.replyId);
        const wasHeld = this.unhold(event.replyId); // never counted: readers had not seen it
        this.replies = this.replies.filter((r) => r.id !== event.replyId);
        this.featured = this.featured.filter((r) => r.id !== event.replyId);
        if (counts && !wasHeld) this.adjustCount(-1);
        this.events.emit("replyRemoved", { replyId: event.replyId, seq: event.seq });
        return;
      }
      case "ReplyRestored": {
        const reply = this.adopt(event.reply);
        this.removedIds.delete(reply.id);
        if (counts) this.adjustCount(+1);
        if (!this.replace(reply)) this.insert(reply);
        this.events.emit("replyRestored", { reply, seq: event.seq });
        return;
      }
      case "ReplyFeatured":
        this.applyFeatured(event.replyId, event.featured, event.seq);
        return;
      case "ReactionsChanged":
        this.applyReactions(event.replyId, event.reactions, event.seq);
        return;
      case "TopicUpdated":
        this.topicValue = this.adoptTopic(event.topic);
        this.topicSeq = event.seq;
        this.events.emit("topicUpdated", { topic: this.topicValue, seq: event.seq });
        return;
      default: // the live blog's UpdatePosted, UpdateEdited and UpdateRemoved
        this.events.emit("update", event);
    }
  }

  /** Shows the reader's own held reply at the end of the list, unless it was published or removed meanwhile. */
  hold(reply: Reply): void {
    if (this.removedIds.has(reply.id) || this.replies.some((r) => r.id === reply.id)) return;
    this.insert({ ...reply, seq: null });
    this.events.emit("replyHeld", { reply });
  }

  /**
   * The reader's own edit was held. Still published here: its ReplyRemoved is yet to come and is kept from
   * removing it. Already removed (the event came before the answer): it comes back, held, at its old place.
   */
  holdEdit(reply: Reply): void {
    const shown = this.replies.find((r) => r.id === reply.id);
    const held = { ...this.adopt(reply), seq: shown?.seq ?? reply.seq, status: "pending" as const };
    if (shown) {
      if (shown.status !== "pending") this.heldEdits.add(reply.id); // a held reply was never shown to others
      this.replace(held);
    } else if (this.removedIds.delete(reply.id)) {
      this.insert(held);
    } else return; // not loaded (an older page): nothing to show
    this.events.emit("replyHeld", { reply: held });
  }

  /** Takes a held reply out of the list; whether there was one. */
  private unhold(replyId: string): boolean {
    const index = this.replies.findIndex((r) => r.id === replyId && r.status === "pending");
    if (index < 0) return false;
    this.replies = this.replies.toSpliced(index, 1);
    return true;
  }

  private applyFeatured(replyId: string, featured: boolean, seq: number): void {
    const reply = this.replies.find((r) => r.id === replyId);
    if (reply) this.replace({ ...reply, featured });
    this.featured = this.featured.filter((r) => r.id !== replyId);
    if (featured && reply) {
      this.featured = [...this.featured, { ...reply, featured }].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    } else if (featured && !this.removedIds.has(replyId)) {
      this.featuredElsewhere(replyId, seq); // on a page not loaded: the strip asks the server (a small, indexed list)
      return;
    }
    this.events.emit("replyFeatured", { replyId, featured, seq });
  }

  private applyReactions(replyId: string | null, reactions: Reactions, seq: number): void {
    if (replyId === null) this.topicValue = { ...this.topic, reactions, mine: this.mine(null).slice() };
    else {
      const reply = this.replies.find((r) => r.id === replyId);
      if (reply) this.replace({ ...reply, reactions, mine: this.mine(replyId).slice() });
    }
    this.events.emit("reactionsChanged", { replyId, reactions, seq });
  }

  /** A REST answer's `mine` is the truth and is remembered; an event's reply (which has none) gets what is known. */
  private adopt(reply: Reply): Reply {
    if (reply.mine) {
      this.mineByTarget.set(reply.id, reply.mine);
      return reply;
    }
    return { ...reply, mine: this.mine(reply.id).slice() };
  }

  private adoptTopic(topic: Topic): Topic {
    if (topic.mine) {
      this.mineByTarget.set(TOPIC_TARGET, topic.mine);
      return topic;
    }
    return { ...topic, mine: this.mine(null).slice() };
  }

  private replace(reply: Reply): boolean {
    // The strip shows the same reply: an edit or new counts reach it too.
    this.featured = this.featured.map((r) => (r.id === reply.id ? { ...reply, featured: true } : r));
    const index = this.replies.findIndex((r) => r.id === reply.id);
    if (index < 0) return false;
    this.replies = this.replies.with(index, reply);
    return true;
  }

  /**
   * Inserts by seq, the order a reload shows on every instance (clocks may disagree, seqs never do); a restored
   * reply goes back to its old place. Skips replies older than what is loaded.
   */
  private insert(reply: Reply): void {
    if (this.order === "top" && reply.seq !== null) {
      this.unlisted++; // its place by score is the server's to say: shown when the reader reloads
      return;
    }
    const at = reply.seq ?? Number.MAX_SAFE_INTEGER;
    const list = this.replies;
    let index = list.length;
    while (index > 0 && (list[index - 1]!.seq ?? Number.MAX_SAFE_INTEGER) > at) index--;
    if (index === 0 && list.length > 0 && this.olderCursor !== null) return; // belongs to a page not loaded yet
    this.replies = [...list.slice(0, index), reply, ...list.slice(index)];
  }

  private adjustCount(delta: number): void {
    this.topicValue = { ...this.topic, replyCount: Math.max(0, this.topic.replyCount + delta) };
  }
}
