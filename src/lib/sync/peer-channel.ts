/**
 * A reliable, ordered, message-based channel to one peer: an RTCDataChannel in the app, an
 * in-memory pair in tests. The document exchange needs nothing more.
 */
export interface PeerChannel {
  send(message: Uint8Array): void;
  /** Bytes handed to send() that the channel has not yet put on the wire. */
  readonly bufferedAmount: number;
  /** Resolves once bufferedAmount falls to the low-water mark, or the channel closes. */
  drained(): Promise<void>;
  onMessage(handler: (message: Uint8Array) => void): void;
  onClose(handler: () => void): void;
  readonly closed: boolean;
  close(): void;
}

/** Below this many buffered bytes a sender may queue more (the channel's low-water mark). */
export const LOW_WATER_BYTES = 16 * 1024;
/**
 * A sender waits while this many bytes are queued. NOTE: small on purpose. Chromium lets a
 * renderer have only some 64 KiB of packets on their way to its network process and drops the
 * rest (`packetsDiscardedOnSend` in the candidate pair's stats); SCTP then waits for its
 * retransmission timer. With 1 MiB queued, a newcomer's transfer of 10,000 records stalled
 * for 2–3 s in 2 runs of 4, each run dropping some 230 packets; with 32 KiB, none in 5 runs.
 */
export const HIGH_WATER_BYTES = 32 * 1024;

/** PeerChannel over an open RTCDataChannel. */
export class RtcPeerChannel implements PeerChannel {
  readonly #channel: RTCDataChannel;

  constructor(channel: RTCDataChannel) {
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
  }

  send(message: Uint8Array): void {
    this.#channel.send(message as Uint8Array<ArrayBuffer>);
  }

  get bufferedAmount(): number {
    return this.#channel.bufferedAmount;
  }

  get closed(): boolean {
    return this.#channel.readyState === 'closing' || this.#channel.readyState === 'closed';
  }

  drained(): Promise<void> {
    if (this.bufferedAmount <= LOW_WATER_BYTES || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#channel.addEventListener('bufferedamountlow', () => resolve(), { once: true });
      this.#channel.addEventListener('close', () => resolve(), { once: true });
    });
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.#channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
      if (event.data instanceof ArrayBuffer) handler(new Uint8Array(event.data));
    });
  }

  onClose(handler: () => void): void {
    this.#channel.addEventListener('close', () => handler(), { once: true });
  }

  close(): void {
    this.#channel.close();
  }
}

/** Two connected in-memory channels; messages are delivered on later microtasks, in order. */
export function createInMemoryChannelPair(): [InMemoryPeerChannel, InMemoryPeerChannel] {
  const a = new InMemoryPeerChannel();
  const b = new InMemoryPeerChannel();
  a.remote = b;
  b.remote = a;
  return [a, b];
}

/**
 * One end of an in-memory channel, for tests and simulations (which may deliver on a clock of
 * their own): can drop its connection at any moment.
 */
export class InMemoryPeerChannel implements PeerChannel {
  remote: InMemoryPeerChannel | null = null;
  bufferedAmount = 0;
  closed = false;
  sent = 0;
  readonly #handlers: ((message: Uint8Array) => void)[] = [];
  readonly #closeHandlers: (() => void)[] = [];

  send(message: Uint8Array): void {
    if (this.closed) throw new Error('channel closed');
    this.sent++;
    this.bufferedAmount += message.length;
    queueMicrotask(() => {
      this.bufferedAmount -= message.length;
      this.deliver(message);
    });
  }

  /** Hands a message to the far end's listeners, unless either end closed meanwhile. */
  protected deliver(message: Uint8Array): void {
    const remote = this.remote;
    if (!this.closed && remote && !remote.closed) for (const handler of remote.#handlers) handler(message);
  }

  async drained(): Promise<void> {
    while (this.bufferedAmount > LOW_WATER_BYTES && !this.closed) await Promise.resolve();
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.#handlers.push(handler);
  }

  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler);
  }

  /** Drops the connection at both ends, like a peer walking out of Wi-Fi range. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handler of this.#closeHandlers) handler();
    this.remote?.close();
  }
}
