import { LiveCommunityError } from "./ApiClient";
import { Emitter, type Disposer } from "./Emitter";
import type { StateChange } from "./HubWatch";
import type { LiveCommunity } from "./LiveCommunity";
import { ThreadState } from "./ThreadState";
import { UpdateApi } from "./updateApi";
import type { NewUpdate, Update, UpdateChanges, UpdateEvent, UpdatePage } from "./updateTypes";
import { UpdatesWatch } from "./UpdatesWatch";

/** Events of a live blog, by name. Sequenced ones carry the `seq` they were applied at. */
export interface LiveBlogEventMap {
  /** A new update; it is in `updates` (and in `keyEvents` when it is one). */
  posted: { update: Update; seq: number };
  /** A correction, a pin or unpin, or its quote leaving (`quote: null`: the quoted reply was removed). */
  edited: { update: Update; seq: number };
  removed: { updateId: string; seq: number };
  /** The lists were read again over REST (the watch could not catch up): show them afresh. */
  reset: { updates: readonly Update[]; keyEvents: readonly Update[] };
  state: StateChange;
}

/** How many key events the blog's summary lists: a newsroom marks a few per story, not hundreds. */
const KEY_EVENT_LIMIT = 100;
/** Reads of a page older than what the watch already applied, before giving up (another instance lagging). */
const STALE_READS = 3;

/** Pinned first, then newest first: the server's order. */
const byPlace = (a: Update, b: Update) => Number(b.pinned) - Number(a.pinned) || b.seq - a.seq;

/**
 * A topic's live blog (PROTOCOL.md v3): its updates, pinned first then newest first, and its key events, from
 * REST, kept current by an updates-only watch of the topic (`UpdatesWatch`, `WatchUpdates`) on the client's one
 * connection: no replies reach it and the topic does not count it among its readers. The watch resumes after a
 * reconnect; when it has to reload (`reset`), the blog reads its lists again. Each list is read with the seq it
 * was read at, and only later events change it. Made by `watchBlog(client, topicId)`.
 */
export class LiveBlog {
  private readonly events = new Emitter<LiveBlogEventMap>();
  private readonly api: UpdateApi;
  private watch: UpdatesWatch | undefined;
  private updateList: Update[] = [];
  private keyList: Update[] = [];
  /** The seq each list was read at; events up to it are already in it. */
  private listSeq = 0;
  private keySeq = 0;
  private olderCursor: string | null = null;
  /** Events that came while the lists were being read, applied once they are. */
  private waiting: UpdateEvent[] | undefined;
  private loads = 0;
  private closed = false;

  /** @internal Made by `watchBlog`. */
  constructor(private readonly client: LiveCommunity, readonly topicId: string, private readonly pageSize: number) {
    this.api = new UpdateApi(client.api);
  }

  /** Loaded updates: pinned first, then newest first. Replaced (never mutated) on every change. */
  get updates(): readonly Update[] {
    return this.updateList;
  }

  /** The blog's key events, newest first (pinned ones in their place by time). */
  get keyEvents(): readonly Update[] {
    return this.keyList;
  }

  /** The state of the blog's watch. */
  get state(): ThreadState {
    return this.watch?.state ?? ThreadState.Connecting;
  }

  get hasOlder(): boolean {
    return this.olderCursor !== null;
  }

  on<K extends keyof LiveBlogEventMap>(event: K, handler: (payload: LiveBlogEventMap[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /** Loads the next page of older updates after `updates`; returns the ones added. */
  async loadOlder(): Promise<readonly Update[]> {
    if (this.olderCursor === null) return [];
    const loads = this.loads;
    const page = await this.api.getUpdates(this.topicId, { limit: this.pageSize, cursor: this.olderCursor });
    if (this.closed || loads !== this.loads) return [];
    this.olderCursor = page.nextCursor;
    const known = new Set(this.updateList.map((u) => u.id));
    const added = page.items.filter((u) => !known.has(u.id));
    this.updateList = [...this.updateList, ...added].sort(byPlace);
    return added;
  }

  /** The update with that id, loading older pages until it is in `updates`; undefined when the blog has none. */
  async reveal(updateId: string): Promise<Update | undefined> {
    for (;;) {
      const found = this.updateList.find((u) => u.id === updateId);
      if (found || !this.hasOlder || this.closed) return found;
      await this.loadOlder();
    }
  }

  /** Journalists, moderators, admins: posts an update (`posted` follows). */
  post(update: NewUpdate): Promise<Update> {
    return this.api.postUpdate(this.topicId, update);
  }

  /** Journalists, moderators, admins: corrects, pins or unpins an update (`edited` follows). */
  edit(updateId: string, changes: UpdateChanges): Promise<Update> {
    return this.api.editUpdate(updateId, changes);
  }

  /** Journalists, moderators, admins: deletes an update (`removed` follows). */
  remove(updateId: string): Promise<void> {
    return this.api.removeUpdate(updateId);
  }

  /** Stops watching (`UnwatchUpdates`); the blog emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch?.close();
    this.events.clear();
  }

  /** @internal Reads both lists, then watches the updates after the seq they were read at. */
  async open(): Promise<void> {
    await this.load();
    if (this.closed) return;
    const watch = new UpdatesWatch(this.client, this.topicId, Math.min(this.listSeq, this.keySeq));
    this.watch = watch;
    watch.on("event", (event) => this.receive(event));
    watch.on("reset", () => void this.reload());
    watch.on("state", (change) => this.events.emit("state", change));
    await watch.open();
  }

  /**
   * @internal Reads both lists. Events that come meanwhile wait; a page read at a seq below the watch's resume
   * point when the read began (another instance lagging) would miss the events between, and is read again.
   */
  async load(): Promise<void> {
    const loads = ++this.loads;
    this.waiting = [];
    let pages: [UpdatePage, UpdatePage] | undefined;
    try {
      pages = await this.read(this.watch?.lastSeq ?? 0);
    } finally {
      // Not read: the lists stay as they were, and what came meanwhile is still newer than them.
      if (!pages && loads === this.loads) this.applyWaiting();
    }
    if (this.closed || loads !== this.loads) return;
    const [page, keys] = pages;
    this.updateList = page.items.slice().sort(byPlace);
    this.olderCursor = page.nextCursor;
    this.listSeq = page.lastSeq;
    this.keyList = keys.items.slice().sort((a, b) => b.seq - a.seq);
    this.keySeq = keys.lastSeq;
    this.applyWaiting();
  }

  /** Both lists, read at `applied` or later. */
  private async read(applied: number): Promise<[UpdatePage, UpdatePage]> {
    for (let read = 1; ; read++) {
      const pages = await Promise.all([
        this.api.getUpdates(this.topicId, { limit: this.pageSize }),
        this.api.getUpdates(this.topicId, { limit: KEY_EVENT_LIMIT, keyEvents: true }),
      ]);
      if (Math.min(pages[0].lastSeq, pages[1].lastSeq) >= applied) return pages;
      if (read === STALE_READS) throw new LiveCommunityError("the server's live updates are behind the topic");
    }
  }

  private applyWaiting(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const event of waiting) this.apply(event);
  }

  private async reload(): Promise<void> {
    if (this.closed) return;
    try {
      await this.load();
    } catch {
      return; // not read this time: the watch's next reset reads them again
    }
    if (!this.closed) this.events.emit("reset", { updates: this.updateList, keyEvents: this.keyList });
  }

  private receive(event: UpdateEvent): void {
    if (this.closed) return;
    if (this.waiting) this.waiting.push(event);
    else this.apply(event);
  }

  private apply(event: UpdateEvent): void {
    const inList = event.seq > this.listSeq;
    const inKeys = event.seq > this.keySeq;
    if (!inList && !inKeys) return; // read over REST after it: already in both lists
    if (event.type === "UpdateRemoved") {
      if (inList) this.updateList = this.updateList.filter((u) => u.id !== event.updateId);
      if (inKeys) this.keyList = this.keyList.filter((u) => u.id !== event.updateId);
      this.events.emit("removed", { updateId: event.updateId, seq: event.seq });
      return;
    }
    const { update } = event;
    const posted = event.type === "UpdatePosted";
    if (inList) this.updateList = this.placed(this.updateList, update, posted || this.belongsLoaded(update));
    if (inKeys) this.keyList = this.placed(this.keyList, update, update.keyEvent).sort((a, b) => b.seq - a.seq);
    this.events.emit(posted ? "posted" : "edited", { update, seq: event.seq });
  }

  /** `list` with `update` in its place (replacing an older copy), or without it when it does not belong. */
  private placed(list: Update[], update: Update, belongs: boolean): Update[] {
    const others = list.filter((u) => u.id !== update.id);
    return belongs ? [...others, update].sort(byPlace) : others;
  }

  /**
   * Whether an edited update belongs among those loaded: it is there already, or pinned (pinned ones are first),
   * or newer than the oldest unpinned one loaded; one on a page not loaded yet waits for `loadOlder`.
   */
  private belongsLoaded(update: Update): boolean {
    if (!this.hasOlder || update.pinned || this.updateList.some((u) => u.id === update.id)) return true;
    const oldest = this.updateList.filter((u) => !u.pinned).at(-1);
    return oldest !== undefined && update.seq > oldest.seq;
  }
}

/**
 * Watches a topic's live blog on the client's one connection with an updates-only watch (`WatchUpdates`): the
 * first page of updates (`pageSize`, default 20) and the key events come over REST, then the update events after
 * them. Rejects when the updates cannot be read; a hub that cannot be reached yet only leaves the blog
 * `reconnecting`.
 */
export async function watchBlog(client: LiveCommunity, topicId: string, options: { pageSize?: number } = {}): Promise<LiveBlog> {
  const blog = new LiveBlog(client, topicId, options.pageSize ?? 20);
  try {
    await blog.open();
  } catch (error) {
    blog.close();
    throw error;
  }
  return blog;
}
