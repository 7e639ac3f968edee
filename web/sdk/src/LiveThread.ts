import type { ApiClient } from "./ApiClient";
import { Emitter, type Disposer } from "./Emitter";
import { RetryWhenAllowed } from "./RetryPolicy";
import { Sequencer } from "./Sequencer";
import { ThreadState } from "./ThreadState";
import type { Reactions, ReactionsResult, Reply, ReplyOrder, Topic, TopicEvent, WatchResult } from "./types";
import type { Update } from "./updateTypes";

/** How many featured replies the strip shows: the newsroom's picks are few by nature. */
const FEATURED_LIMIT = 20;

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
  /** The live blog's events, in the same seq order (a `LiveBlog` keeps the list; the thread keeps no updates). */
  updatePosted: { update: Update; seq: number };
  updateEdited: { update: Update; seq: number };
  updateRemoved: { updateId: string; seq: number };
  presence: { watchers: number };
  state: { state: ThreadState; previous: ThreadState };
  /** The server no longer had the events needed to catch up: topic and replies were reloaded. */
  reset: { topic: Topic; replies: readonly Reply[] };
}

/** What a thread needs from the client that owns it. */
export interface ThreadHost {
  readonly api: ApiClient;
  readonly pageSize: number;
  readonly gapWaitMs: number;
  readonly connected: boolean;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  release(thread: LiveThread): void;
}

/**
 * One watched topic: its topic, its replies in order (oldest first) and who is reading,
 * kept current by the hub's events, applied in seq order exactly once.
 */
export class LiveThread {
  private readonly events = new Emitter<ThreadEventMap>();
  private readonly sequencer: Sequencer<TopicEvent>;
  private topicValue: Topic | undefined;
  /** Seq at which `topic` (its replyCount above all) was read; later events adjust it. */
  private topicSeq = 0;
  private replyList: Reply[] = [];
  /** The topic's featured replies, oldest first: loaded apart from the pages, since they may be on any of them. */
  private featuredList: Reply[] = [];
  private olderCursor: string | null = null;
  private orderValue: ReplyOrder = "oldest";
  private unlistedValue = 0;
  private removedIds = new Set<string>();
  /** The reader's own published replies whose edit is held: the ReplyRemoved that hides them from others is not theirs. */
  private heldEdits = new Set<string>();
  private stateValue = ThreadState.Connecting;
  private joining: Promise<void> | undefined;
  /** A Watch refused as rate limited or busy is tried again when the server said, not left behind. */
  private readonly retry = new RetryWhenAllowed(() => this.join());
  private closed = false;
  private watcherCount = 0;
  /**
   * The caller's own reaction kinds per target (TOPIC_TARGET for the topic), from REST answers and reaction calls.
   * Events never carry `mine`, so a topic or reply an event replaces gets it from here.
   */
  private readonly mineByTarget = new Map<string, string[]>();

  /** @internal Made by `LiveCommunity.watch`. */
  constructor(readonly topicId: string, private readonly host: ThreadHost) {
    this.sequencer = new Sequencer<TopicEvent>((event) => this.apply(event), () => void this.join(), host.gapWaitMs);
  }

  get topic(): Topic {
    if (!this.topicValue) throw new Error("the thread is not loaded yet");
    return this.topicValue;
  }

  /** Loaded replies, oldest first. Replaced (never mutated) on every change. */
  /** Featured replies, oldest first (PROTOCOL.md v3): the thread's "Featured" strip. */
  get featured(): readonly Reply[] {
    return this.featuredList;
  }

  get replies(): readonly Reply[] {
    return this.replyList;
  }

  /** How many are reading this topic now. */
  get watchers(): number {
    return this.watcherCount;
  }

  get state(): ThreadState {
    return this.stateValue;
  }

  /** The seq of the last event whose effect is in `topic` and `replies`. */
  get lastSeq(): number {
    return this.sequencer.lastApplied;
  }

  /**
   * How `replies` is ordered: "oldest" and "newest" hold the same replies by seq (a view shows them either way
   * round); "top" holds the server's top-order pages (by score), and live replies are not placed among them but
   * counted in `unlisted` until `setOrder("top")` reloads.
   */
  get order(): ReplyOrder {
    return this.orderValue;
  }

  /** Live replies that arrived in top order and are not in `replies` yet. */
  get unlisted(): number {
    return this.unlistedValue;
  }

  /** Loads the list again in `order` (a `reset` event follows); also brings back replies of users unmuted since. */
  async setOrder(order: ReplyOrder): Promise<void> {
    this.orderValue = order;
    await this.load();
    if (this.closed) return;
    await this.join();
    this.events.emit("reset", { topic: this.topic, replies: this.replyList });
  }

  /** Whether `loadOlder()` has more to load. */
  get hasOlder(): boolean {
    return this.olderCursor !== null;
  }

  on<K extends keyof ThreadEventMap>(event: K, handler: (payload: ThreadEventMap[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /**
   * Posts over the hub; the reply shows up in `replies` with its `replyPosted` event. A reply the server holds
   * for review comes back with `status: "pending"` and shows up at once, for this reader only (`replyHeld`).
   */
  async postReply(body: string, parentId?: string | null): Promise<Reply> {
    const reply = await this.host.invoke<Reply>("PostReply", this.topicId, body, parentId ?? null);
    if (reply.status === "pending") this.hold(reply);
    return reply;
  }

  /**
   * Adds (`on`) or takes back the caller's reaction of `kind` to a reply, or to the topic when `replyId` is null.
   * Resolves with the target's counts and the kinds the caller has set on it now (`mine`), which the thread's
   * topic or reply then carries.
   */
  async react(replyId: string | null, kind: string, on: boolean): Promise<ReactionsResult> {
    const result = await this.host.invoke<ReactionsResult>("SetReaction", this.topicId, replyId, kind, on);
    if (!this.closed) {
      this.mineByTarget.set(replyId ?? TOPIC_TARGET, result.mine);
      // Show the caller's own reaction at once; the coalesced event that follows carries the same or newer counts.
      this.applyReactions(replyId, result.reactions, this.lastSeq);
    }
    return result;
  }

  /** The reaction kinds the signed-in reader has set on a reply, or on the topic when `replyId` is null. */
  mine(replyId: string | null): readonly string[] {
    return this.mineByTarget.get(replyId ?? TOPIC_TARGET) ?? [];
  }

  /** Loads the next page of older replies in front of `replies`; returns the ones added. */
  async loadOlder(): Promise<readonly Reply[]> {
    if (this.olderCursor === null) return [];
    const top = this.orderValue === "top";
    const page = await this.host.api.getReplies(this.topicId, { order: top ? "top" : "newest", limit: this.host.pageSize, cursor: this.olderCursor });
    if (this.closed) return [];
    this.olderCursor = page.nextCursor;
    const known = new Set(this.replyList.map((r) => r.id));
    const fresh = page.items.filter((r) => !known.has(r.id) && !this.removedIds.has(r.id));
    // Top order's next page goes after what is shown; seq order's older page in front of it.
    const added = (top ? fresh : fresh.reverse()).map((r) => this.adopt(r));
    this.replyList = top ? [...this.replyList, ...added] : [...added, ...this.replyList];
    return added;
  }

  /** Moderator or author: removes a reply (a `replyRemoved` event follows). */
  removeReply(replyId: string, reason?: string): Promise<void> {
    return this.host.api.removeReply(replyId, reason);
  }

  /** Moderator: brings a removed reply back. */
  restoreReply(replyId: string): Promise<Reply> {
    return this.host.api.restoreReply(replyId);
  }

  /**
   * Author, within the edit window. An edit that pre-moderation holds comes back with `status: "pending"`: the
   * reply stays in `replies` for its author, in its place, awaiting review (`replyHeld`), while other readers
   * lose it until a moderator approves it.
   */
  async editReply(replyId: string, body: string): Promise<Reply> {
    const reply = await this.host.api.editReply(replyId, body);
    if (reply.status === "pending") this.holdEdit(reply);
    return reply;
  }

  /** Moderators, admins, journalists: features or unfeatures a reply (a `replyFeatured` event follows). */
  setFeatured(replyId: string, featured: boolean): Promise<Reply> {
    return this.host.api.setFeatured(replyId, featured);
  }

  /** Moderator: locks or unlocks the topic (a `topicUpdated` event follows). */
  setLocked(locked: boolean): Promise<Topic> {
    return this.host.api.setLocked(this.topicId, locked);
  }

  /** Stops watching; the thread goes offline and emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sequencer.dispose();
    this.retry.cancel();
    this.setState(ThreadState.Offline);
    this.events.clear();
    this.host.release(this);
  }

  /** @internal Loads topic and latest replies over REST. Replies first: their `lastSeq` is where watching resumes. */
  async load(): Promise<void> {
    const top = this.orderValue === "top";
    const page = await this.host.api.getReplies(this.topicId, { order: top ? "top" : "newest", limit: this.host.pageSize });
    // After the page, so its lastSeq covers them too: a later ReplyFeatured only ever moves them forward.
    const [topic, featured] = await Promise.all([
      this.host.api.getTopic(this.topicId),
      this.host.api.getReplies(this.topicId, { featured: true, limit: FEATURED_LIMIT }),
    ]);
    // The reader's own held replies are not in the page (readers never see them); keep them until decided.
    const listed = new Set(page.items.map((r) => r.id));
    const held = this.replyList.filter((r) => r.status === "pending" && !listed.has(r.id));
    this.mineByTarget.clear();
    this.topicValue = this.adoptTopic(topic);
    this.topicSeq = topic.lastSeq;
    this.replyList = [...(top ? page.items : page.items.slice().reverse()).map((r) => this.adopt(r)), ...held];
    this.unlistedValue = 0;
    this.featuredList = featured.items.map((r) => this.adopt(r));
    this.olderCursor = page.nextCursor;
    this.removedIds.clear();
    this.sequencer.reset(page.lastSeq);
  }

  /** @internal Joins the topic's group and applies what was missed since `lastSeq`. Used to start, resume and fill gaps. */
  join(): Promise<void> {
    // One Watch at a time: a gap fill during a resume would only repeat it.
    this.joining ??= this.joinOnce().finally(() => {
      this.joining = undefined;
      this.sequencer.armGapTimer();
    });
    return this.joining;
  }

  /** @internal An event from the hub for this topic. */
  receive(event: TopicEvent): void {
    // Until loaded there is no seq to order against; the Watch after loading replays it.
    if (this.closed || !this.topicValue) return;
    this.sequencer.push(event);
  }

  /**
   * @internal The topic's last seq (`TopicSeq`). Behind it, this thread missed events that nothing will send
   * again (a backplane outage, a quiet topic): it watches again from its last applied seq and applies `missed`.
   */
  heard(lastSeq: number): void {
    if (this.closed || !this.topicValue || lastSeq <= this.sequencer.lastApplied) return;
    this.join().catch(() => undefined); // a refused Watch is tried again when the server says (RetryWhenAllowed)
  }

  /** @internal */
  presence(watchers: number): void {
    if (this.closed) return;
    this.watcherCount = watchers;
    this.events.emit("presence", { watchers });
  }

  /** @internal */
  setState(state: ThreadState): void {
    if (state === this.stateValue || (this.closed && state !== ThreadState.Offline)) return;
    const previous = this.stateValue;
    this.stateValue = state;
    this.events.emit("state", { state, previous });
  }

  private async joinOnce(): Promise<void> {
    if (this.closed || !this.topicValue || !this.host.connected) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      let result: WatchResult;
      try {
        result = await this.host.invoke<WatchResult>("Watch", this.topicId, this.sequencer.lastApplied);
      } catch (error) {
        if (!this.closed) this.retry.after(error);
        throw error;
      }
      if (this.closed) return;
      if (result.reset) {
        await this.load();
        if (this.closed) return;
        this.events.emit("reset", { topic: this.topic, replies: this.replyList });
        continue; // watch again from the fresh snapshot's lastSeq
      }
      for (const event of result.missed) this.sequencer.push(event);
      this.presence(result.watchers);
      this.setState(ThreadState.Live);
      return;
    }
  }


  private apply(event: TopicEvent): void {
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
        this.replyList = this.replyList.filter((r) => r.id !== event.replyId);
        this.featuredList = this.featuredList.filter((r) => r.id !== event.replyId);
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
      case "UpdatePosted":
      case "UpdateEdited":
        this.events.emit(event.type === "UpdatePosted" ? "updatePosted" : "updateEdited", { update: event.update, seq: event.seq });
        return;
      case "UpdateRemoved":
        this.events.emit("updateRemoved", { updateId: event.updateId, seq: event.seq });
        return;
    }
  }

  /** Shows the reader's own held reply at the end of the list, unless it was published or removed meanwhile. */
  private hold(reply: Reply): void {
    if (this.closed || this.removedIds.has(reply.id) || this.replyList.some((r) => r.id === reply.id)) return;
    this.insert({ ...reply, seq: null });
    this.events.emit("replyHeld", { reply });
  }

  /**
   * The reader's own edit was held. Still published here: its ReplyRemoved is yet to come and is kept from
   * removing it. Already removed (the event came before the answer): it comes back, held, at its old place.
   */
  private holdEdit(reply: Reply): void {
    if (this.closed) return;
    const shown = this.replyList.find((r) => r.id === reply.id);
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
    const index = this.replyList.findIndex((r) => r.id === replyId && r.status === "pending");
    if (index < 0) return false;
    this.replyList = this.replyList.toSpliced(index, 1);
    return true;
  }

  private applyFeatured(replyId: string, featured: boolean, seq: number): void {
    const reply = this.replyList.find((r) => r.id === replyId);
    if (reply) this.replace({ ...reply, featured });
    this.featuredList = this.featuredList.filter((r) => r.id !== replyId);
    if (featured && reply) {
      this.featuredList = [...this.featuredList, { ...reply, featured }].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    } else if (featured && !this.removedIds.has(replyId)) {
      void this.reloadFeatured(replyId, seq); // on a page not loaded: the strip asks the server (a small, indexed list)
      return;
    }
    this.events.emit("replyFeatured", { replyId, featured, seq });
  }

  private async reloadFeatured(replyId: string, seq: number): Promise<void> {
    const page = await this.host.api.getReplies(this.topicId, { featured: true, limit: FEATURED_LIMIT }).catch(() => undefined);
    if (!page || this.closed) return;
    this.featuredList = page.items.filter((r) => !this.removedIds.has(r.id)).map((r) => this.adopt(r));
    this.events.emit("replyFeatured", { replyId, featured: true, seq });
  }

  private applyReactions(replyId: string | null, reactions: Reactions, seq: number): void {
    if (replyId === null) this.topicValue = { ...this.topic, reactions, mine: this.mine(null).slice() };
    else {
      const reply = this.replyList.find((r) => r.id === replyId);
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
    this.featuredList = this.featuredList.map((r) => (r.id === reply.id ? { ...reply, featured: true } : r));
    const index = this.replyList.findIndex((r) => r.id === reply.id);
    if (index < 0) return false;
    this.replyList = this.replyList.with(index, reply);
    return true;
  }

  /**
   * Inserts by seq, the order a reload shows on every instance (clocks may disagree, seqs never do); a restored
   * reply goes back to its old place. Skips replies older than what is loaded.
   */
  private insert(reply: Reply): void {
    if (this.orderValue === "top" && reply.seq !== null) {
      this.unlistedValue++; // its place by score is the server's to say: shown when the reader reloads
      return;
    }
    const at = reply.seq ?? Number.MAX_SAFE_INTEGER;
    const list = this.replyList;
    let index = list.length;
    while (index > 0 && (list[index - 1]!.seq ?? Number.MAX_SAFE_INTEGER) > at) index--;
    if (index === 0 && list.length > 0 && this.hasOlder) return; // belongs to a page not loaded yet
    this.replyList = [...list.slice(0, index), reply, ...list.slice(index)];
  }

  private adjustCount(delta: number): void {
    this.topicValue = { ...this.topic, replyCount: Math.max(0, this.topic.replyCount + delta) };
  }
}
