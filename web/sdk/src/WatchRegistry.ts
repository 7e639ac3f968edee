import { LiveCommunityError, type ApiClient } from "./ApiClient";
import type { CarriedWatch, HubLink } from "./HubLink";
import { LiveThread, type ThreadHost } from "./LiveThread";
import type { QueueChangedEvent } from "./moderationTypes";
import { QueueWatch, type QueueHost } from "./QueueWatch";
import { ThreadState } from "./ThreadState";
import { TopicList, type TopicListHost } from "./TopicList";
import { StatsWatch, type StatsWatchHost } from "./counts/StatsWatch";
import type { HintEventMap, TopicEvent, TopicEventMap, TopicEventType } from "./types";

/** A watch another module keeps on the client's connection (`keep`). */
export interface KeptWatch {
  join(): Promise<void>;
  setState(state: ThreadState): void;
  close(): void;
}

/** What `keep` gives the watch: REST, the hub link (whether it is live, calls, a connect), and a way out. */
export interface KeptWatchHost {
  readonly api: ApiClient;
  readonly link: HubLink;
  release(): void;
}

// Every event of the topic's seq stream, the live blog's included: a watcher that did not take one would see its
// seq as a gap and ask the hub again.
const EVENT_TYPES: readonly TopicEventType[] = ["ReplyPosted", "ReplyEdited", "ReplyRemoved", "ReplyRestored", "ReplyFeatured", "ReactionsChanged", "TopicUpdated", "UpdatePosted", "UpdateEdited", "UpdateRemoved"];

/**
 * Every watch of one client on its hub link: the watched threads by topic, the topic list, the stats watch, the
 * moderation queue and the watches other modules keep. Routes the hub's events to them, opens and gives them back.
 */
export class WatchRegistry {
  private readonly threads = new Map<string, LiveThread>();
  private topicList: TopicList | undefined;
  private readonly listHost: TopicListHost;
  private statsWatch: StatsWatch | undefined;
  private readonly statsHost: StatsWatchHost;
  private readonly host: ThreadHost;
  private readonly queueHost: QueueHost;
  private queue: Promise<QueueWatch> | undefined;
  private queueWatch: QueueWatch | undefined;
  /** Watches that modules of their own keep on the connection (`keep`), and their hub handlers by event. */
  private readonly kept = new Set<KeptWatch>();
  private readonly keptHandlers = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly api: ApiClient, private readonly link: HubLink, pageSize: number, gapWaitMs: number) {
    for (const type of EVENT_TYPES) {
      link.on(type, (payload) => this.dispatch(type, payload as TopicEventMap[typeof type]));
    }
    this.onHint("PresenceChanged", ({ topicId, watchers }) => this.threads.get(topicId)?.presence(watchers));
    this.onHint("TopicSeq", ({ topicId, lastSeq }) => this.threads.get(topicId)?.heard(lastSeq));
    this.onHint("TopicPosted", (payload) => this.topicList?.posted(payload));
    this.onHint("TopicStats", (payload) => {
      this.topicList?.stats(payload);
      this.statsWatch?.stats(payload);
    });
    link.on("QueueChanged", (payload) => this.queueWatch?.receive(payload as QueueChangedEvent));

    this.host = {
      api,
      pageSize,
      gapWaitMs,
      get connected() {
        return link.connected;
      },
      invoke: (method, ...args) => link.invoke(method, ...args),
      release: (thread) => this.release(thread),
    };
    this.listHost = {
      get connected() {
        return link.connected;
      },
      invoke: (method, ...args) => link.invoke(method, ...args),
      release: (list) => this.releaseList(list),
    };
    this.statsHost = {
      get connected() {
        return link.connected;
      },
      invoke: (method, ...args) => link.invoke(method, ...args),
      release: (watch) => {
        if (this.statsWatch !== watch) return;
        this.statsWatch = undefined;
        link.leave("UnwatchStats");
      },
    };
    this.queueHost = {
      api,
      invoke: (method, ...args) => link.invoke(method, ...args),
      release: (watch) => this.releaseQueue(watch),
    };
  }

  /** Every watch, in the order the link joins them again after a connect. */
  all(): CarriedWatch[] {
    return [...this.threads.values(), ...(this.topicList ? [this.topicList] : []), ...(this.statsWatch ? [this.statsWatch] : []), ...(this.queueWatch ? [this.queueWatch] : []), ...this.kept];
  }

  async watchTopics(): Promise<TopicList> {
    if (this.link.closed) throw new LiveCommunityError("the client is closed");
    if (this.topicList) return this.topicList;
    const list = new TopicList(this.listHost);
    this.topicList = list;
    if (this.link.connected) await list.join().catch(() => undefined);
    else {
      list.setState(this.waitingState());
      await this.link.attempt();
    }
    return list;
  }

  async watchStats(topicIds: readonly string[]): Promise<StatsWatch> {
    if (this.link.closed) throw new LiveCommunityError("the client is closed");
    const watch = this.statsWatch ?? new StatsWatch(this.statsHost);
    this.statsWatch = watch;
    if (this.link.connected) await watch.set(topicIds).catch(() => undefined);
    else {
      void watch.set(topicIds).catch(() => undefined); // keeps the set; the connect below joins it
      watch.setState(this.waitingState());
      await this.link.attempt();
    }
    return watch;
  }

  async watch(topicId: string): Promise<LiveThread> {
    if (this.link.closed) throw new LiveCommunityError("the client is closed");
    const existing = this.threads.get(topicId);
    if (existing) return existing;
    const thread = new LiveThread(topicId, this.host);
    this.threads.set(topicId, thread);
    try {
      await thread.load();
    } catch (error) {
      this.threads.delete(topicId);
      thread.close();
      throw error;
    }
    if (this.link.connected) await thread.join().catch(() => undefined);
    else {
      thread.setState(this.waitingState());
      // A successful connect joins every loaded thread; wait for one attempt so a fresh thread is usually live.
      await this.link.attempt();
    }
    return thread;
  }

  keep(watch: KeptWatch, events: Record<string, (payload: unknown) => void>): KeptWatchHost {
    if (this.link.closed) throw new LiveCommunityError("the client is closed");
    for (const [name, handler] of Object.entries(events)) {
      let handlers = this.keptHandlers.get(name);
      if (!handlers) {
        const all = (handlers = new Set());
        this.keptHandlers.set(name, all);
        this.link.on(name, (payload) => all.forEach((h) => h(payload)));
      }
      handlers.add(handler);
    }
    this.kept.add(watch);
    return {
      api: this.api,
      link: this.link,
      release: () => {
        this.kept.delete(watch);
        for (const [name, handler] of Object.entries(events)) this.keptHandlers.get(name)?.delete(handler);
      },
    };
  }

  watchQueue(): Promise<QueueWatch> {
    if (this.link.closed) return Promise.reject(new LiveCommunityError("the client is closed"));
    this.queue ??= this.openQueue().catch((error: unknown) => {
      this.queue = undefined;
      throw error;
    });
    return this.queue;
  }

  /** What a watch opened while the connection is not live shows until the connect joins it. */
  private waitingState(): ThreadState {
    return this.link.state === ThreadState.Connecting ? ThreadState.Connecting : ThreadState.Reconnecting;
  }

  private onHint<K extends keyof HintEventMap>(type: K, handler: (payload: HintEventMap[K]) => void): void {
    this.link.on(type, (payload) => handler(payload as HintEventMap[K]));
  }

  private dispatch<K extends TopicEventType>(type: K, payload: TopicEventMap[K]): void {
    this.threads.get(payload.topicId)?.receive({ ...payload, type } as TopicEvent);
  }

  private async openQueue(): Promise<QueueWatch> {
    const watch = new QueueWatch(this.queueHost);
    this.queueWatch = watch;
    try {
      // A successful connect joins the queue too; wait for one attempt.
      if (!this.link.connected) await this.link.attempt();
      if (watch.state === ThreadState.Live) return watch;
      if (this.link.connected) await watch.join(); // says why, when refused
      else watch.startOffline((await this.api.getQueue({ state: "all", limit: 1 })).counts, this.link.state);
      return watch;
    } catch (error) {
      watch.close();
      throw error;
    }
  }

  private releaseQueue(watch: QueueWatch): void {
    if (this.queueWatch !== watch) return;
    this.queueWatch = undefined;
    this.queue = undefined;
    this.link.leave("UnwatchQueue");
  }

  private release(thread: LiveThread): void {
    if (this.threads.get(thread.topicId) !== thread) return;
    this.threads.delete(thread.topicId);
    this.link.leave("Unwatch", thread.topicId);
  }

  private releaseList(list: TopicList): void {
    if (this.topicList !== list) return;
    this.topicList = undefined;
    this.link.leave("UnwatchTopics");
  }
}
