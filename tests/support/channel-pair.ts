/**
 * Two connected PeerChannels whose messages wait in per-direction queues until the test
 * delivers them (`flush`, `flushRandom`, `deliverFrom`), as tldraw's TestSocketPair does, so
 * every interleaving is the test's choice. `disconnect()` drops what is in flight and closes
 * both ends, like a peer walking out of Wi-Fi range.
 *
 * A message that reaches an end nobody listens on yet is lost, as on a negotiated data channel
 * the far side has not created yet: that is the race the exchange's repeated HELLO is for.
 */
import { LOW_WATER_BYTES, type PeerChannel } from '../../src/lib/sync/peer-channel.ts';
import type { Rng } from './random.ts';

export interface ChannelPairOptions {
  /**
   * bufferedAmount reports queued bytes times this, so the small messages of a test reach the
   * exchange's high-water mark and its pump has to wait for `drained()` (default 1).
   */
  readonly scale?: number;
}

/** One end of a ChannelPair: what it sent waits in its outbox until the pair delivers it. */
export class TestChannel implements PeerChannel {
  closed = false;
  /** Messages sent from this end and not yet delivered, oldest first. */
  readonly outbox: Uint8Array[] = [];
  /** Times a sender had to wait in `drained()` for the channel to drain. */
  waits = 0;
  #bytes = 0;
  readonly #handlers: ((message: Uint8Array) => void)[] = [];
  readonly #closeHandlers: (() => void)[] = [];
  #waiters: (() => void)[] = [];

  constructor(
    private readonly scale: number,
    private readonly hangUp: () => void,
  ) {}

  send(message: Uint8Array): void {
    if (this.closed) throw new Error('channel closed');
    this.outbox.push(message);
    this.#bytes += message.length;
  }

  get bufferedAmount(): number {
    return this.#bytes * this.scale;
  }

  drained(): Promise<void> {
    if (this.closed || this.bufferedAmount <= LOW_WATER_BYTES) return Promise.resolve();
    this.waits++;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.#handlers.push(handler);
  }

  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler);
  }

  /** Whether anybody listens on this end yet. */
  get listening(): boolean {
    return this.#handlers.length > 0;
  }

  close(): void {
    this.hangUp();
  }

  /** Takes the oldest message off the outbox, waking a sender waiting for the channel to drain. */
  take(): Uint8Array | undefined {
    const message = this.outbox.shift();
    if (message === undefined) return undefined;
    this.#bytes -= message.length;
    if (this.bufferedAmount <= LOW_WATER_BYTES) this.#wake();
    return message;
  }

  /** Hands a message to this end's listeners; false if nobody listened, so it was lost. */
  receive(message: Uint8Array): boolean {
    if (this.closed || this.#handlers.length === 0) return false;
    for (const handler of this.#handlers) handler(message);
    return true;
  }

  /** Closes this end: drops its outbox and tells its listeners, once. */
  shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.length = 0;
    this.#bytes = 0;
    this.#wake();
    for (const handler of this.#closeHandlers) handler();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Two ends, `a` and `b`, of one connection with explicit delivery. */
export class ChannelPair {
  readonly a: TestChannel;
  readonly b: TestChannel;
  /** Messages delivered, lost because nobody listened at the far end yet, and cut in flight. */
  delivered = 0;
  lost = 0;
  cut = 0;

  constructor(options: ChannelPairOptions = {}) {
    const scale = options.scale ?? 1;
    this.a = new TestChannel(scale, () => this.disconnect());
    this.b = new TestChannel(scale, () => this.disconnect());
  }

  get open(): boolean {
    return !this.a.closed;
  }

  /** Messages in flight, both ways. */
  get pending(): number {
    return this.a.outbox.length + this.b.outbox.length;
  }

  /** Delivers the oldest message sent from one end; false if there was none. */
  deliverFrom(end: TestChannel): boolean {
    const to = end === this.a ? this.b : this.a;
    const message = end.take();
    if (message === undefined) return false;
    if (to.receive(message)) this.delivered++;
    else this.lost++;
    return true;
  }

  /** Delivers everything in flight, and whatever that makes either end send at once. */
  flush(): number {
    let delivered = 0;
    while (this.pending > 0) {
      if (this.deliverFrom(this.a)) delivered++;
      if (this.deliverFrom(this.b)) delivered++;
    }
    return delivered;
  }

  /** Delivers a random number of the messages in flight, keeping each direction's order. */
  flushRandom(rng: Rng): number {
    const budget = rng.int(this.pending + 1);
    let delivered = 0;
    while (delivered < budget && this.pending > 0) {
      const busy = [this.a, this.b].filter((end) => end.outbox.length > 0);
      this.deliverFrom(rng.pick(busy));
      delivered++;
    }
    return delivered;
  }

  /** Drops what is in flight and closes both ends; each end's close handlers run once. */
  disconnect(): void {
    if (this.open) this.cut += this.pending;
    this.a.shut();
    this.b.shut();
  }
}
