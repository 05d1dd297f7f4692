import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { PeerChannel } from './peer-channel.ts';
import { PeerLink, type ExchangeStats } from './peer-link.ts';
import { holdsPending, retryPending } from '../yjs/pending.ts';
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
 *   HELLO  stateVector [epoch]      — "this is what I have": answered (once per connection) with
 *                                     what the sender lacks; repeated until answered, because a
 *          [epochId epochRecord]      first message can race the remote channel's setup
 *   BEGIN  pieces, posts, bytes     — a transfer of `pieces` CHUNKs follows
 *          [epoch]
 *   CHUNK  update [epoch]           — part of a transfer (a valid update on its own)
 *   END    [epoch]                  — the transfer is complete
 *   UPDATE update [epoch]           — a live change (or a piece of one), forwarded so a partial
 *                                     mesh converges
 * A transfer cut halfway resumes on reconnect: the next HELLO carries the receiver's state
 * vector, so only what did not arrive is sent again.
 *
 * Epochs: the square's document is replaced by a fresh one now and then (the founder's `epoch`
 * record, domain/kinds/epoch.ts), and each epoch's document is a Y.Doc of its own. The epoch
 * number rides at the end of every message (versions before epochs stop reading earlier, and
 * send none: epoch 0), so a message of another epoch's document is never applied to this one.
 * A HELLO of a later epoch also carries its founder-signed record: the keeper judges it
 * (`offerEpoch`) and, if it holds, the device moves to that epoch (`moveTo`) and says HELLO
 * again on the same connections. A HELLO of an earlier epoch is not answered: the peer moves
 * when it reads ours.
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
  /**
   * Posts the sending peers hold, as they announced, bounded by the bytes they announced: the
   * "of 9,800" in the progress line.
   */
  readonly postsAnnounced: number;
  /** The largest transfer refused from a peer still connected (too large for this device). */
  readonly refused: { readonly bytes: number } | null;
}

/** No post record is smaller than this: what bounds a peer's announced count by its bytes. */
export const MIN_RECORD_BYTES = 100;
/** A transfer that sends no piece for this long is over, as far as progress goes. */
export const STALL_MS = 20_000;

/**
 * An update from a peer never deletes records this device holds as live (issue 9, attack 2):
 * those deletions are taken out before it is applied, so they are never forwarded and never
 * answered with a restore of the whole square, and the peer gets the records back, a few at a
 * time. Harm this large in one update quarantines the peer and nothing of it is applied: an
 * honest peer disagrees about a post or two, not a whole square.
 */
export const QUARANTINE_HARM = 10;
/** How long a quarantined peer's connections are closed as soon as they open. */
export const QUARANTINE_MS = 10 * 60_000;

/** What a judge makes of an update from a peer. */
export interface UpdateVerdict {
  /** How many records this device holds as live the update would delete or overwrite. */
  readonly harm: number;
  /** What to apply in its place: the update itself, or its parts less the deletions it may not make. */
  readonly accept: readonly Uint8Array[];
}

/** Judges updates from peers before they are applied: the board, which knows what is live. */
export interface UpdateJudge {
  judge(update: Uint8Array): UpdateVerdict;
  /**
   * Resolves once everything applied so far has been judged. An update that looks harmful is
   * judged again then: the erasure or pruning that allows it may have arrived just before it.
   */
  whenIdle(): Promise<void>;
  /**
   * After a harmful update from a peer not quarantined was applied: put back what it deleted
   * there, for the sender lacks it (an honest peer may only have passed on another's deletion).
   */
  repair(update: Uint8Array): void;
}

/** What the exchange asks of the square's keeper (the board, in the app). */
export interface DocKeeper extends UpdateJudge {
  /** How many posts this device holds, announced to a peer before a transfer. */
  countPosts(): number;
  /** A peer said HELLO from a later epoch, with its record: judge it, and move if it holds. */
  offerEpoch?(offer: EpochOffer): void;
}

/** A founder-signed epoch record as a HELLO carries it: its number, id and stored form. */
export interface EpochOffer {
  readonly epoch: number;
  readonly id: string;
  readonly record: string;
}

/** Accepts every update: for documents nothing guards, as in the exchange's own tests. */
export const UNGUARDED: UpdateJudge = {
  judge: (update) => ({ harm: 0, accept: [update] }),
  whenIdle: () => Promise.resolve(),
  repair: () => undefined,
};

export interface DocExchangeOptions {
  /** How many posts this device holds, announced to a peer before a transfer. */
  readonly countPosts: () => number;
  /** Judges each update from a peer before it is applied (default: none). */
  readonly judge?: UpdateJudge;
  /** Called when a peer is quarantined, so the transport can drop its connection too. */
  readonly onQuarantine?: (peerId: string) => void;
  /** Refuse transfers announced as larger than this (default MAX_TRANSFER_BYTES). */
  readonly maxTransferBytes?: number;
  /** Largest piece of document per message (default CHUNK_BYTES); tests use small ones to make many. */
  readonly chunkBytes?: number;
  /** Runs the HELLO retries (default: the platform's timers); tests pass a clock of their own. */
  readonly scheduler?: Scheduler;
  /** The epoch of `doc`, with its record (default: epoch 0, the square's first document). */
  readonly epoch?: EpochOffer | null;
  /** A peer said HELLO from a later epoch: its record, for the keeper to judge (once per link and epoch). */
  readonly onEpoch?: (offer: EpochOffer, peerId: string) => void;
}

/** Exchanges one Y.Doc with any number of peers over PeerChannels. */
export class DocExchange {
  #doc: Y.Doc;
  #epoch: EpochOffer | null;
  /** Settles at the first transfer completed from a peer on the current epoch. */
  #received = deferred();
  readonly #options: DocExchangeOptions;
  readonly #chunkBytes: number;
  readonly #links = new Map<string, PeerLink>();
  readonly #listeners = new Set<(progress: TransferProgress) => void>();
  #transfers: TransferCache;
  /** Set while a peer's piece is applied to a document holding structs that wait for others. */
  #completing = false;
  readonly stats: ExchangeStats = {
    transfersBegun: 0,
    piecesReceived: 0,
    piecesAnnounced: 0,
    messagesSent: 0,
    bytesSent: 0,
    updatesRefused: 0,
    recordsRefused: 0,
    quarantines: 0,
  };
  readonly #judge: UpdateJudge;
  #judging = 0;
  readonly #scheduler: Scheduler;
  /** Peers whose connections are closed as they open, until the time their quarantine ends. */
  readonly #quarantined = new Map<string, number>();

  constructor(doc: Y.Doc, options: DocExchangeOptions) {
    this.#doc = doc;
    this.#options = options;
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.#judge = options.judge ?? UNGUARDED;
    this.#scheduler = options.scheduler ?? realTimers;
    this.#epoch = options.epoch ?? null;
    this.#transfers = this.#cache();
    doc.on('update', this.#onDocUpdate);
  }

  /** The epoch of the document exchanged now (0: the square's first). */
  get epoch(): number {
    return this.#epoch?.epoch ?? 0;
  }

  /** Resolves once a peer on the current epoch has sent what this device lacked (a transfer's END). */
  get received(): Promise<void> {
    return this.#received.promise;
  }

  /**
   * Exchanges a fresh document from now on, that of a later epoch: the connections stay, and
   * each says HELLO again, so the peers on that epoch send what it lacks and those still on an
   * earlier one learn of it. Nothing of the old document is sent or applied any more.
   */
  moveTo(doc: Y.Doc, epoch: EpochOffer): void {
    this.#doc.off('update', this.#onDocUpdate);
    this.#doc = doc;
    this.#epoch = epoch;
    this.#received = deferred();
    this.#transfers = this.#cache();
    doc.on('update', this.#onDocUpdate);
    for (const link of this.#links.values()) {
      link.restart();
      link.repeatHello(() => this.#hello());
    }
    this.#emit();
  }

  #cache(): TransferCache {
    return new TransferCache(this.#doc, this.#chunkBytes, (piece) => this.#frame(MESSAGE.chunk, piece));
  }

  /** Starts exchanging with a peer over an open channel; replaces an older link to it. */
  addPeer(peerId: string, channel: PeerChannel): void {
    this.removePeer(peerId);
    if (this.isQuarantined(peerId)) {
      channel.close();
      this.#options.onQuarantine?.(peerId);
      return;
    }
    const link = new PeerLink(peerId, channel, this.stats, this.#scheduler);
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
    if (link.incoming || link.refusedBytes !== null) this.#emit();
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
    let refused: number | null = null;
    for (const { incoming, refusedBytes } of this.#links.values()) {
      if (refusedBytes !== null) refused = Math.max(refused ?? 0, refusedBytes);
      if (!incoming) continue;
      piecesReceived += incoming.received;
      piecesTotal += incoming.total;
      postsAnnounced = Math.max(postsAnnounced, incoming.posts);
    }
    return {
      receiving: piecesTotal > 0,
      piecesReceived,
      piecesTotal,
      postsAnnounced,
      refused: refused === null ? null : { bytes: refused },
    };
  }

  onProgress(listener: (progress: TransferProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether a peer is in quarantine now. */
  /** Updates from peers waiting to be judged again, once the keeper has caught up. */
  get judging(): number {
    return this.#judging;
  }

  isQuarantined(peerId: string): boolean {
    const until = this.#quarantined.get(peerId);
    if (until === undefined) return false;
    if (this.#scheduler.now() < until) return true;
    this.#quarantined.delete(peerId);
    return false;
  }

  destroy(): void {
    this.#doc.off('update', this.#onDocUpdate);
    for (const id of [...this.#links.keys()]) this.removePeer(id);
  }

  #hello(): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE.hello);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.#doc));
    encoding.writeVarUint(encoder, this.epoch);
    if (this.#epoch) {
      encoding.writeVarString(encoder, this.#epoch.id);
      encoding.writeVarString(encoder, this.#epoch.record);
    }
    return encoding.toUint8Array(encoder);
  }

  /**
   * A HELLO's epoch, compared with ours: equal, earlier (not answered: the peer moves when it
   * reads our HELLO), or later (its record goes to the keeper, once per link and epoch).
   */
  #sameEpoch(link: PeerLink, decoder: decoding.Decoder): boolean {
    const epoch = epochOf(decoder);
    if (epoch === this.epoch) return true;
    if (epoch > this.epoch && link.offered < epoch) {
      link.offered = epoch;
      const offer = { epoch, id: decoding.readVarString(decoder), record: decoding.readVarString(decoder) };
      this.#options.onEpoch?.(offer, link.peerId);
    }
    return false;
  }

  #receive(link: PeerLink, message: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(message);
      switch (decoding.readVarUint(decoder)) {
        case MESSAGE.hello: {
          const stateVector = decoding.readVarUint8Array(decoder);
          if (!this.#sameEpoch(link, decoder)) break;
          // A peer that just moved to our epoch may have let our HELLOs go unanswered meanwhile.
          if (!link.answered && !link.repeating) link.repeatHello(() => this.#hello());
          if (link.answeredPeer) break;
          link.answeredPeer = true;
          this.#sendMissing(link, stateVector);
          break;
        }
        case MESSAGE.begin: {
          const total = decoding.readVarUint(decoder);
          const posts = decoding.readVarUint(decoder);
          const bytes = decoding.readVarUint(decoder);
          if (epochOf(decoder) !== this.epoch) break;
          link.answered = true;
          if (bytes > (this.#options.maxTransferBytes ?? MAX_TRANSFER_BYTES)) {
            // Refused, not attempted: its pieces are dropped as they come, and the refusal is
            // shown for as long as that peer stays.
            link.refusedBytes = bytes;
            link.endIncoming();
          } else {
            // What a peer announces is bounded by what it could carry: a piece holds a byte at
            // least, a post MIN_RECORD_BYTES.
            const bounded = {
              total: Math.min(total, bytes),
              posts: Math.min(posts, Math.floor(bytes / MIN_RECORD_BYTES)),
            };
            link.refusedBytes = null;
            link.beginIncoming(bounded, STALL_MS, () => this.#emit());
            this.stats.transfersBegun++;
            this.stats.piecesAnnounced += bounded.total;
          }
          this.#emit();
          break;
        }
        case MESSAGE.chunk: {
          const piece = decoding.readVarUint8Array(decoder);
          if (link.refusedBytes !== null || epochOf(decoder) !== this.epoch) break;
          this.#apply(link, piece);
          link.pieceArrived();
          this.stats.piecesReceived++;
          this.#emit();
          break;
        }
        case MESSAGE.end:
          if (epochOf(decoder) !== this.epoch) break;
          link.endIncoming();
          this.#retryPending(link);
          this.#received.resolve();
          this.#emit();
          break;
        case MESSAGE.update: {
          const update = decoding.readVarUint8Array(decoder);
          if (epochOf(decoder) === this.epoch) this.#apply(link, update);
          break;
        }
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
    encoding.writeVarUint(begin, this.epoch);
    link.send([encoding.toUint8Array(begin), ...messages, Uint8Array.of(MESSAGE.end, ...varUint(this.epoch))]);
  }

  /**
   * Applies a piece from a peer. NOTE: it may complete structs that came earlier from another
   * peer and waited for it; the change then holds those too, and the sender has to get them as
   * well, or a peer that heard them only from its neighbour would never get them (seed 20221503).
   */
  #apply(link: PeerLink, update: Uint8Array): void {
    const { harm, accept } = this.#judge.judge(update);
    if (harm > 0) {
      this.#judging++;
      void this.#judgeAgain(link, update, this.#doc).finally(() => this.#judging--);
      return;
    }
    for (const piece of accept) this.#integrate(link, piece);
  }

  /** Judges a harmful-looking update again once the keeper has caught up, and applies what it accepts. */
  async #judgeAgain(link: PeerLink, update: Uint8Array, doc: Y.Doc): Promise<void> {
    await this.#judge.whenIdle();
    // An update of the document this device moved away from meanwhile belongs to no document now.
    if (this.isQuarantined(link.peerId) || doc !== this.#doc) return;
    const { harm, accept } = this.#judge.judge(update);
    if (harm >= QUARANTINE_HARM) {
      this.#count(harm);
      this.#quarantine(link.peerId);
      return;
    }
    for (const piece of accept) this.#integrate(link, piece);
    if (harm === 0) return;
    this.#count(harm);
    this.#judge.repair(update);
  }

  #count(harm: number): void {
    this.stats.updatesRefused++;
    this.stats.recordsRefused += harm;
  }

  /** Closes a peer's connection and refuses its connections for QUARANTINE_MS. */
  #quarantine(peerId: string): void {
    if (this.isQuarantined(peerId)) return;
    this.stats.quarantines++;
    this.#quarantined.set(peerId, this.#scheduler.now() + QUARANTINE_MS);
    this.removePeer(peerId);
    this.#options.onQuarantine?.(peerId);
  }

  #integrate(link: PeerLink, update: Uint8Array): void {
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
    const messages = pieces.map((piece) => this.#frame(MESSAGE.update, piece));
    for (const link of this.#links.values()) {
      if (link !== origin || this.#completing) link.send(messages);
    }
  };

  #emit(): void {
    const progress = this.progress;
    for (const listener of this.#listeners) listener(progress);
  }

  #frame(type: number, payload: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, type);
    encoding.writeVarUint8Array(encoder, payload);
    encoding.writeVarUint(encoder, this.epoch);
    return encoding.toUint8Array(encoder);
  }
}

/** The epoch a message ends with: 0 when it carries none (a version before epochs). */
function epochOf(decoder: decoding.Decoder): number {
  return decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : 0;
}

function varUint(value: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
}

function deferred(): { readonly promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}
