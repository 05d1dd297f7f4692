// Topic → subscribers. Pure bookkeeping, no I/O; empty topics are deleted so memory follows load.

export interface RoomEvents {
  /** The first local subscriber joined `topic`. */
  readonly opened?: (topic: string) => void;
  /** The last local subscriber left `topic`. */
  readonly closed?: (topic: string) => void;
}

export class Rooms<C> {
  readonly #topics = new Map<string, Set<C>>();
  #subscriptions = 0;

  constructor(private readonly events: RoomEvents = {}) {}

  /** Add `client` to `topic`; returns false if it was already there. */
  add(topic: string, client: C): boolean {
    let subs = this.#topics.get(topic);
    if (subs === undefined) {
      subs = new Set();
      this.#topics.set(topic, subs);
      this.events.opened?.(topic);
    } else if (subs.has(client)) {
      return false;
    }
    subs.add(client);
    this.#subscriptions++;
    return true;
  }

  /** Remove `client` from `topic`; returns false if it was not there. */
  remove(topic: string, client: C): boolean {
    const subs = this.#topics.get(topic);
    if (subs === undefined || !subs.delete(client)) return false;
    this.#subscriptions--;
    if (subs.size === 0) {
      this.#topics.delete(topic);
      this.events.closed?.(topic);
    }
    return true;
  }

  subscribers(topic: string): ReadonlySet<C> | undefined {
    return this.#topics.get(topic);
  }

  topics(): IterableIterator<string> {
    return this.#topics.keys();
  }

  /** Number of topics with at least one subscriber. */
  get size(): number {
    return this.#topics.size;
  }

  /** Number of (topic, client) pairs. */
  get subscriptions(): number {
    return this.#subscriptions;
  }
}
