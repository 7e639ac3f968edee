import type { LiveCommunity } from "./LiveCommunity";
import type { KeptWatchHost } from "./WatchRegistry";
import { HubWatch, type StateChange } from "./HubWatch";
import type { NotificationPage, NotificationsReadEvent, NotifiedEvent } from "./notificationTypes";
import { ThreadState } from "./ThreadState";

/** Events of a notification watch, by name. */
export interface NotificationWatchEventMap {
  /** A new notification (`Notified`); `unread` is the count after it. */
  notified: NotifiedEvent;
  /** Notifications were marked read, in this tab or another (`NotificationsRead`). */
  read: NotificationsReadEvent;
  /** The unread count changed, whatever the cause (an event, a mark, a resync). */
  unread: { unread: number };
  /**
   * The connection came back after pushes may have been missed (they carry no seq): the unread count was read
   * again; a shown list should be read again too.
   */
  resync: { unread: number };
  state: StateChange;
}

/**
 * The signed-in reader's notifications, live: the hub sends `Notified` and `NotificationsRead` to each of the
 * reader's connections without any Watch call, so joining is only reading the unread count (`GET /me`), which
 * the client does again after every reconnect. Made by `watchNotifications(client)`.
 */
export class NotificationWatch extends HubWatch<NotificationWatchEventMap> {
  private unreadValue = 0;
  /** Counts pushes, so a count read over REST never overwrites one pushed while the read was under way. */
  private pushes = 0;
  private opening: Promise<NotificationWatch> | undefined;

  private readonly host: KeptWatchHost;

  /** @internal Made by `watchNotifications`. */
  constructor(private readonly client: LiveCommunity) {
    super();
    this.host = client.keep(this, {
      Notified: (payload) => this.notified(payload as NotifiedEvent),
      NotificationsRead: (payload) => this.read(payload as NotificationsReadEvent),
    });
  }

  /** The reader's unread notifications, as of the last event or read. */
  get unread(): number {
    return this.unreadValue;
  }

  /** A page of notifications, newest first (the same as `LiveCommunity.notifications`). */
  async load(options: { limit?: number; cursor?: string | null } = {}): Promise<NotificationPage> {
    const pushesBefore = this.pushes;
    const page = await this.host.api.getNotifications(options.limit, options.cursor);
    if (!this.closed && this.pushes === pushesBefore) this.setUnread(page.unread);
    return page;
  }

  /**
   * Marks all notifications read, or those up to and including `upTo` (pass the newest one shown, so one that
   * arrived unseen stays unread). Every tab of the reader hears it as `read`.
   */
  async markRead(upTo?: string): Promise<number> {
    const { unread } = await this.host.api.markNotificationsRead(upTo);
    this.pushes++;
    this.setUnread(unread);
    return unread;
  }

  /** @internal Connects and reads the unread count; rejects (and closes) when the reader may not have any (401). */
  open(): Promise<NotificationWatch> {
    this.opening ??= this.openOnce();
    return this.opening;
  }

  private notified(event: NotifiedEvent): void {
    if (this.closed) return;
    this.pushes++;
    this.setUnread(event.unread);
    this.events.emit("notified", event);
  }

  private read(event: NotificationsReadEvent): void {
    if (this.closed) return;
    this.pushes++;
    this.setUnread(event.unread);
    this.events.emit("read", { unread: event.unread });
  }

  private async openOnce(): Promise<NotificationWatch> {
    try {
      if (this.host.link.connected) await this.join();
      else {
        await this.host.link.attempt(); // a successful connect joins the watch
        // Not joined: the hub is out of reach (read the count over REST), or the join failed (say why).
        if (this.stateValue !== ThreadState.Live) await this.join();
      }
      return this;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Reads the unread count: the hub needs no Watch call for notifications. A stale watch then says `resync`. */
  protected async joinOnce(): Promise<void> {
    if (this.closed) return;
    const pushesBefore = this.pushes;
    const { unread } = await this.host.api.getMe();
    if (this.closed) return;
    // A push that came while GET /me was under way may be newer than its answer; keep the push's count.
    if (this.pushes === pushesBefore) this.setUnread(unread);
    if (!this.host.link.connected) return; // read over REST while the hub is out of reach: still stale
    this.setState(ThreadState.Live);
    if (this.stale) {
      this.stale = false;
      this.events.emit("resync", { unread: this.unreadValue });
    }
  }

  protected release(): void {
    this.host.release();
    if (opened.get(this.client) === this) opened.delete(this.client);
  }

  private setUnread(unread: number): void {
    if (unread === this.unreadValue) return;
    this.unreadValue = unread;
    this.events.emit("unread", { unread });
  }
}

const opened = new WeakMap<LiveCommunity, NotificationWatch>();

/**
 * The signed-in reader's notifications, live (`Notified`, `NotificationsRead`, sent to every connection of the
 * reader), on the client's one hub connection; the unread count is read again after every reconnect. Calling it
 * again for the same client returns the same watch. Rejects for an anonymous reader (401).
 */
export function watchNotifications(client: LiveCommunity): Promise<NotificationWatch> {
  let watch = opened.get(client);
  if (!watch) opened.set(client, (watch = new NotificationWatch(client)));
  return watch.open();
}
