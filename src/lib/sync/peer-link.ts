import { HIGH_WATER_BYTES, type PeerChannel } from './peer-channel.ts';
import type { Scheduler } from './scheduler.ts';

/** Until a peer answers, HELLO is repeated this often, this many times. */
export const HELLO_RETRY_MS = 250;
export const HELLO_ATTEMPTS = 40;

/** What a receiving peer knows about one transfer in progress. */
export interface Incoming {
  readonly total: number;
  received: number;
  readonly posts: number;
}

/** Counters since this device opened the square, for diagnostics and tests. */
export interface ExchangeStats {
  /** Transfers peers began sending us (answers to our HELLOs). */
  transfersBegun: number;
  /** Pieces of transfers received, over all of them. */
  piecesReceived: number;
  /** Pieces peers announced, over all transfers. */
  piecesAnnounced: number;
  /** Messages sent to peers, and their bytes. */
  messagesSent: number;
  bytesSent: number;
  /** Updates refused for deleting or overwriting live records, and how many records they hit. */
  updatesRefused: number;
  recordsRefused: number;
  /** Peers put in quarantine for refused updates. */
  quarantines: number;
}

/** Counters at zero, for an exchange just made. */
export function newExchangeStats(): ExchangeStats {
  return {
    transfersBegun: 0,
    piecesReceived: 0,
    piecesAnnounced: 0,
    messagesSent: 0,
    bytesSent: 0,
    updatesRefused: 0,
    recordsRefused: 0,
    quarantines: 0,
  };
}

/** One connected peer of a DocExchange: its outgoing queue, HELLO retries and transfer state. */
export class PeerLink {
  readonly #queue: Uint8Array[] = [];
  #pumping = false;
  /** The peer has begun answering our HELLO. */
  answered = false;
  /** We have answered the peer's HELLO; repeats of it are ignored. */
  answeredPeer = false;
  incoming: Incoming | null = null;
  /** The size of a transfer from this peer refused as too large, until it ends. */
  refusedBytes: number | null = null;
  /** The peer's HELLO has arrived on this link (its end of the channel is open). */
  heardHello = false;
  /** Whether our HELLO is being repeated to this peer. */
  repeating = false;
  /** The latest epoch this peer's HELLO offered us (its record goes to the keeper once). */
  offered = 0;
  #stopHello: (() => void) | undefined;
  #stopStallWatch: (() => void) | undefined;

  constructor(
    readonly peerId: string,
    readonly channel: PeerChannel,
    private readonly stats: ExchangeStats,
    private readonly scheduler: Scheduler,
  ) {}

  /** Queues messages and sends them as the channel drains; never blocks the caller. */
  send(messages: readonly Uint8Array[]): void {
    this.#queue.push(...messages);
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.channel.closed) {
        if (this.channel.bufferedAmount >= HIGH_WATER_BYTES) {
          await this.channel.drained();
          continue;
        }
        const message = this.#queue.shift()!;
        this.channel.send(message);
        this.stats.messagesSent++;
        this.stats.bytesSent += message.length;
      }
    } catch {
      // The channel closed under us; the link is dropped by its close handler.
    } finally {
      this.#pumping = false;
    }
  }

  /** Sends HELLO now and again every HELLO_RETRY_MS until answered, closed or out of attempts. */
  repeatHello(makeHello: () => Uint8Array): void {
    this.#stopHello?.();
    let attempts = 0;
    this.repeating = true;
    const attempt = () => {
      if (this.answered || this.channel.closed || attempts++ >= HELLO_ATTEMPTS) {
        this.#stopHello?.();
        this.repeating = false;
        return;
      }
      this.send([makeHello()]);
    };
    attempt();
    if (this.repeating) this.#stopHello = this.scheduler.every(HELLO_RETRY_MS, attempt);
  }

  /**
   * A transfer begins. It ends at END, when the link closes, or when no piece arrived for
   * `stallMs`: then `onStall` is called, and progress no longer counts it.
   */
  beginIncoming(announced: { total: number; posts: number }, stallMs: number, onStall: () => void): void {
    this.endIncoming();
    const incoming: Incoming = { ...announced, received: 0 };
    this.incoming = incoming;
    let seen = 0;
    this.#stopStallWatch = this.scheduler.every(stallMs, () => {
      if (incoming.received > seen) {
        seen = incoming.received;
        return;
      }
      this.endIncoming();
      onStall();
    });
  }

  pieceArrived(): void {
    if (this.incoming) this.incoming.received++;
  }

  endIncoming(): void {
    this.#stopStallWatch?.();
    this.#stopStallWatch = undefined;
    this.incoming = null;
  }

  /** Forgets the handshake, for a HELLO on a fresh document (a new epoch) over the same channel. */
  restart(): void {
    this.endIncoming();
    this.answered = false;
    this.answeredPeer = false;
    this.heardHello = false;
    this.refusedBytes = null;
  }

  stop(): void {
    this.endIncoming();
    this.#stopHello?.();
    this.repeating = false;
    this.#queue.length = 0;
  }
}
