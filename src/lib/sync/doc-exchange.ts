import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { PeerChannel } from './peer-channel.ts';
import { PeerLink, type ExchangeStats } from './peer-link.ts';
import { holdsPending, retryPending } from './pending.ts';
import { realTimers, type Scheduler } from './scheduler.ts';
import { TransferCache } from './transfer-cache.ts';
import { splitUpdate } from './update-chunks.ts';

export { HELLO_ATTEMPTS, HELLO_RETRY_MS, type ExchangeStats } from './peer-link.ts';

/**
 * The document exchange between peers, in bounded pieces with flow control.
 *
 * Why not y-webrtc's own: it sends a newcomer the whole document as one data-channel message
 * (yjs/y-webrtc#20, #61), which browsers will not carry beyond a few hundred KiB, so a busy
 * square would silently never reach new residents. y-webrtc still does what it does well —
 * signalling, connection management, encrypted signalling — and this module runs over a data
 * channel of each connection it makes.
 *
 * Protocol (lib0 encoding, one message per data-channel message):
 *   HELLO  stateVector              — "this is what I have": answered (once per connection) with
 *                                     what the sender lacks; repeated until answered, because a
 *                                     first message can race the remote channel's setup
 *   BEGIN  pieces, posts, bytes     — a transfer of `pieces` CHUNKs follows
 *   CHUNK  update                   — part of a transfer (a valid update on its own)
 *   END                             — the transfer is complete
 *   UPDATE update                   — a live change (or a piece of one), forwarded so a partial
 *                                     mesh converges
 * A transfer cut halfway resumes on reconnect: the next HELLO carries the receiver's state
 * vector, so only what did not arrive is sent again.
 */
export const MESSAGE = { hello: 0, begin: 1, chunk: 2, end: 3, update: 4 } as const;

/** Largest piece of document in one message: well under every browser's data-channel limit. */
export const CHUNK_BYTES = 16 * 1024;
/** A transfer announced as larger than this is refused with a clear message, not attempted. */
export const MAX_TRANSFER_BYTES = 256 * 1024 * 1024;

/** What a receiving peer knows about transfers in progress. */
export interface TransferProgress {
  /** True while at least one peer is sending this device its part of the square. */
  readonly receiving: boolean;
  readonly piecesReceived: number;
  readonly piecesTotal: number;
  /** Posts the sending peer holds, as it announced: the "of 9,800" in the progress line. */
  readonly postsAnnounced: number;
  /** Set when a transfer was refused, e.g. too large for this device. */
  readonly error: 'too-large' | null;
}

export interface DocExchangeOptions {
  /** How many posts this device holds, announced to a peer before a transfer. */
  readonly countPosts: () => number;
  /** Refuse transfers announced as larger than this (default MAX_TRANSFER_BYTES). */
  readonly maxTransferBytes?: number;
  /** Largest piece of document per message (default CHUNK_BYTES); tests use small ones to make many. */
  readonly chunkBytes?: number;
  /** Runs the HELLO retries (default: the platform's timers); tests pass a clock of their own. */
  readonly scheduler?: Scheduler;
}

/** Exchanges one Y.Doc with any number of peers over PeerChannels. */
export class DocExchange {
  readonly #doc: Y.Doc;
  readonly #options: DocExchangeOptions;
  readonly #chunkBytes: number;
  readonly #links = new Map<string, PeerLink>();
  readonly #listeners = new Set<(progress: TransferProgress) => void>();
  #error: TransferProgress['error'] = null;
  readonly #transfers: TransferCache;
  /** Set while a peer's piece is applied to a document holding structs that wait for others. */
  #completing = false;
  readonly stats: ExchangeStats = {
    transfersBegun: 0,
    piecesReceived: 0,
    piecesAnnounced: 0,
    messagesSent: 0,
    bytesSent: 0,
  };

  constructor(doc: Y.Doc, options: DocExchangeOptions) {
    this.#doc = doc;
    this.#options = options;
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.#transfers = new TransferCache(doc, this.#chunkBytes, (piece) => frame(MESSAGE.chunk, piece));
    doc.on('update', this.#onDocUpdate);
  }

  /** Starts exchanging with a peer over an open channel; replaces an older link to it. */
  addPeer(peerId: string, channel: PeerChannel): void {
    this.removePeer(peerId);
    const link = new PeerLink(channel, this.stats, this.#options.scheduler ?? realTimers);
    this.#links.set(peerId, link);
    channel.onMessage((message) => this.#receive(link, message));
    channel.onClose(() => {
      if (this.#links.get(peerId) === link) this.removePeer(peerId);
    });
    link.repeatHello(() => this.#hello());
  }

  removePeer(peerId: string): void {
    const link = this.#links.get(peerId);
    if (!link) return;
    this.#links.delete(peerId);
    link.stop();
    if (!link.channel.closed) link.channel.close();
    if (link.incoming) this.#emit();
  }

  /** True for the transaction origin of changes that arrived from a peer. */
  isPeerOrigin(origin: unknown): boolean {
    return origin instanceof PeerLink;
  }

  get peerCount(): number {
    return this.#links.size;
  }

  get progress(): TransferProgress {
    let piecesReceived = 0;
    let piecesTotal = 0;
    let postsAnnounced = 0;
    for (const { incoming } of this.#links.values()) {
      if (!incoming) continue;
      piecesReceived += incoming.received;
      piecesTotal += incoming.total;
      postsAnnounced = Math.max(postsAnnounced, incoming.posts);
    }
    return { receiving: piecesTotal > 0, piecesReceived, piecesTotal, postsAnnounced, error: this.#error };
  }

  onProgress(listener: (progress: TransferProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  destroy(): void {
    this.#doc.off('update', this.#onDocUpdate);
    for (const id of [...this.#links.keys()]) this.removePeer(id);
  }

  #hello(): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE.hello);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.#doc));
    return encoding.toUint8Array(encoder);
  }

  #receive(link: PeerLink, message: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(message);
      switch (decoding.readVarUint(decoder)) {
        case MESSAGE.hello:
          if (!link.answeredPeer) {
            link.answeredPeer = true;
            this.#sendMissing(link, decoding.readVarUint8Array(decoder));
          }
          break;
        case MESSAGE.begin: {
          link.answered = true;
          const total = decoding.readVarUint(decoder);
          const posts = decoding.readVarUint(decoder);
          const bytes = decoding.readVarUint(decoder);
          if (bytes > (this.#options.maxTransferBytes ?? MAX_TRANSFER_BYTES)) {
            this.#error = 'too-large';
            link.channel.close();
          } else {
            link.incoming = { total, received: 0, posts };
            this.stats.transfersBegun++;
            this.stats.piecesAnnounced += total;
          }
          this.#emit();
          break;
        }
        case MESSAGE.chunk:
          this.#apply(link, decoding.readVarUint8Array(decoder));
          if (link.incoming) link.incoming.received++;
          this.stats.piecesReceived++;
          this.#emit();
          break;
        case MESSAGE.end:
          link.incoming = null;
          this.#retryPending(link);
          this.#emit();
          break;
        case MESSAGE.update:
          this.#apply(link, decoding.readVarUint8Array(decoder));
          break;
        default:
        // Unknown messages come from newer versions: ignored, not fatal.
      }
    } catch (error) {
      // A malformed message from one peer must not stop the exchange with the others.
      console.warn('kaifong: dropped a malformed message from a peer', error);
    }
  }

  /** Answers a HELLO: everything the peer's state vector lacks, in pieces. */
  #sendMissing(link: PeerLink, stateVector: Uint8Array): void {
    const { messages, bytes } = this.#transfers.for(stateVector);
    const begin = encoding.createEncoder();
    encoding.writeVarUint(begin, MESSAGE.begin);
    encoding.writeVarUint(begin, messages.length);
    encoding.writeVarUint(begin, this.#options.countPosts());
    encoding.writeVarUint(begin, bytes);
    link.send([encoding.toUint8Array(begin), ...messages, Uint8Array.of(MESSAGE.end)]);
  }

  /**
   * Applies a piece from a peer. NOTE: it may complete structs that came earlier from another
   * peer and waited for it; the change then holds those too, and the sender has to get them as
   * well, or a peer that heard them only from its neighbour would never get them (seed 20221503).
   */
  #apply(link: PeerLink, update: Uint8Array): void {
    this.#completing = holdsPending(this.#doc);
    try {
      Y.applyUpdate(this.#doc, update, link);
      // During a transfer most pieces wait for later ones: the retry then waits for its END.
      if (holdsPending(this.#doc) && ![...this.#links.values()].some((l) => l.incoming)) this.#retryPending(link);
    } finally {
      this.#completing = false;
    }
  }

  /** Retries what Yjs holds as pending (sync/pending.ts); the result goes to every peer. */
  #retryPending(link: PeerLink): void {
    this.#completing = true;
    try {
      retryPending(this.#doc, link);
    } finally {
      this.#completing = false;
    }
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.#transfers.changed();
    if (this.#links.size === 0) return;
    const pieces = update.length > this.#chunkBytes ? splitUpdate(update, this.#chunkBytes) : [update];
    const messages = pieces.map((piece) => frame(MESSAGE.update, piece));
    for (const link of this.#links.values()) {
      if (link !== origin || this.#completing) link.send(messages);
    }
  };

  #emit(): void {
    const progress = this.progress;
    for (const listener of this.#listeners) listener(progress);
  }
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}
