/** Unsubscribes the handler it was returned for. */
export type Disposer = () => void;

/** A tiny typed event emitter: event names and payloads come from one map interface. */
export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): Disposer {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        (handler as (payload: Events[K]) => void)(payload);
      } catch (error) {
        // One faulty handler must not break the event stream for the others.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
