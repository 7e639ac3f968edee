/** Where a watched thread stands; also the state of the client's one hub connection. */
export enum ThreadState {
  /** Loading and joining for the first time. */
  Connecting = "connecting",
  /** Joined: events arrive as they happen. */
  Live = "live",
  /** The connection dropped; retrying per the retry policy. Shown state may be stale. */
  Reconnecting = "reconnecting",
  /** The retry policy gave up (or the thread was closed). A browser 'online' event tries again. */
  Offline = "offline",
}
