import type { ApiClient } from "./ApiClient";
import { Emitter, type Disposer } from "./Emitter";
import { RetryWhenAllowed } from "./RetryPolicy";
import { Sequencer } from "./Sequencer";
import { ThreadContent, type ThreadEventMap } from "./ThreadContent";
import { ThreadState } from "./ThreadState";
import type { ReactionsResult, Reply, ReplyOrder, Topic, TopicEvent, WatchResult } from "./types";
import type { HubMethod } from "./hubMethods";

export type { ThreadEventMap } from "./ThreadContent";

/** How many featured replies the strip shows: the newsroom's picks are few by nature. */
const FEATURED_LIMIT = 20;

/** What a thread needs from the client that owns it. */
export interface ThreadHost {
  readonly api: ApiClient;
  readonly pageSize: number;
  readonly gapWaitMs: number;
  readonly connected: boolean;
  invoke<T>(method: HubMethod, ...args: unknown[]): Promise<T>;
  release(thread: LiveThread): void;
}

/**
 * One watched topic: its topic, its replies in order (oldest first) and who is reading,
 * kept current by the hub's events, applied in seq order exactly once.
 */
export class LiveThread {
  private readonly events = new Emitter<ThreadEventMap>();
  private readonly sequencer: Sequencer<TopicEvent>;
  /** Topic, replies and featured replies as shown; loading and joining here, applying events there. */
  private readonly content = new ThreadContent(this.events, (replyId, seq) => void this.reloadFeatured(replyId, seq));
  private stateValue = ThreadState.Connecting;
  private joining: Promise<void> | undefined;
  /** A Watch refused as rate limited or busy is tried again when the server said, not left behind. */
  private readonly retry = new RetryWhenAllowed(() => this.join());
  private closed = false;
  private watcherCount = 0;

  /** @internal Made by `LiveCommunity.watch`. */
  constructor(readonly topicId: string, private readonly host: ThreadHost) {
    this.sequencer = new Sequencer<TopicEvent>((event) => this.content.apply(event), () => void this.join(), host.gapWaitMs);
  }

  get topic(): Topic {
    return this.content.topic;
  }

  /** Loaded replies, oldest first. Replaced (never mutated) on every change. */
  /** Featured replies, oldest first (PROTOCOL.md v3): the thread's "Featured" strip. */
  get featured(): readonly Reply[] {
    return this.content.featured;
  }

  get replies(): readonly Reply[] {
    return this.content.replies;
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
    return this.content.order;
  }

  /** Live replies that arrived in top order and are not in `replies` yet. */
  get unlisted(): number {
    return this.content.unlisted;
  }

  /** Loads the list again in `order` (a `reset` event follows); also brings back replies of users unmuted since. */
  async setOrder(order: ReplyOrder): Promise<void> {
    this.content.order = order;
    await this.load();
    if (this.closed) return;
    await this.join();
    this.events.emit("reset", { topic: this.topic, replies: this.content.replies });
  }

  /** Whether `loadOlder()` has more to load. */
  get hasOlder(): boolean {
    return this.content.olderCursor !== null;
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
    if (reply.status === "pending" && !this.closed) this.content.hold(reply);
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
      // Show the caller's own reaction at once; the coalesced event that follows carries the same or newer counts.
      this.content.reacted(replyId, result.mine, result.reactions, this.lastSeq);
    }
    return result;
  }

  /** The reaction kinds the signed-in reader has set on a reply, or on the topic when `replyId` is null. */
  mine(replyId: string | null): readonly string[] {
    return this.content.mine(replyId);
  }

  /** Loads the next page of older replies in front of `replies`; returns the ones added. */
  async loadOlder(): Promise<readonly Reply[]> {
    const cursor = this.content.olderCursor;
    if (cursor === null) return [];
    const top = this.content.order === "top";
    const page = await this.host.api.getReplies(this.topicId, { order: top ? "top" : "newest", limit: this.host.pageSize, cursor });
    if (this.closed) return [];
    return this.content.addPage(page, top);
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
    if (reply.status === "pending" && !this.closed) this.content.holdEdit(reply);
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
    const top = this.content.order === "top";
    const page = await this.host.api.getReplies(this.topicId, { order: top ? "top" : "newest", limit: this.host.pageSize });
    // After the page, so its lastSeq covers them too: a later ReplyFeatured only ever moves them forward.
    const [topic, featured] = await Promise.all([
      this.host.api.getTopic(this.topicId),
      this.host.api.getReplies(this.topicId, { featured: true, limit: FEATURED_LIMIT }),
    ]);
    this.content.reset(topic, page, featured.items, top);
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
    if (this.closed || !this.content.loaded) return;
    this.sequencer.push(event);
  }

  /**
   * @internal The topic's last seq (`TopicSeq`). Behind it, this thread missed events that nothing will send
   * again (a backplane outage, a quiet topic): it watches again from its last applied seq and applies `missed`.
   */
  heard(lastSeq: number): void {
    if (this.closed || !this.content.loaded || lastSeq <= this.sequencer.lastApplied) return;
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
    if (this.closed || !this.content.loaded || !this.host.connected) return;
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
        this.events.emit("reset", { topic: this.topic, replies: this.content.replies });
        continue; // watch again from the fresh snapshot's lastSeq
      }
      for (const event of result.missed) this.sequencer.push(event);
      this.presence(result.watchers);
      this.setState(ThreadState.Live);
      return;
    }
  }

  private async reloadFeatured(replyId: string, seq: number): Promise<void> {
    const page = await this.host.api.getReplies(this.topicId, { featured: true, limit: FEATURED_LIMIT }).catch(() => undefined);
    if (!page || this.closed) return;
    this.content.setFeatured(page.items);
    this.events.emit("replyFeatured", { replyId, featured: true, seq });
  }
}
