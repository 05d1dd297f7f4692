import type * as Y from 'yjs';
import { EpochDoc } from './epoch-doc.ts';
import { CHUNK_BYTES, decodeMessage, type EpochOffer, type ExchangeMessage } from './exchange-wire.ts';
import type { PeerChannel } from './peer-channel.ts';
import { newExchangeStats, PeerLink, type ExchangeStats } from './peer-link.ts';
import { realTimers, type Scheduler } from './scheduler.ts';
import { boundedAnnouncement, progressOf, STALL_MS, type TransferProgress } from './transfer-progress.ts';
import { UNGUARDED, UpdateIntake, type UpdateJudge } from './update-intake.ts';

export { HELLO_ATTEMPTS, HELLO_RETRY_MS, type ExchangeStats } from './peer-link.ts';
export { CHUNK_BYTES, MESSAGE, type EpochOffer } from './exchange-wire.ts';
export { MIN_RECORD_BYTES, STALL_MS, type TransferProgress } from './transfer-progress.ts';
export { QUARANTINE_HARM, QUARANTINE_MS, UNGUARDED, type UpdateJudge, type UpdateVerdict } from './update-intake.ts';

/**
 * The document exchange between peers, in bounded pieces with flow control.
 *
 * Why not y-webrtc's own: it sends a newcomer the whole document as one data-channel message
 * (yjs/y-webrtc#20, #61), which browsers will not carry beyond a few hundred KiB, so a busy
 * square would silently never reach new residents. y-webrtc still does what it does well —
 * signalling, connection management, encrypted signalling — and this module runs over a data
 * channel of each connection it makes.
 *
 * Protocol: HELLO with a state vector, answered with BEGIN, the CHUNKs the peer lacks and END;
 * live changes as UPDATEs (exchange-wire.ts has the format). A transfer cut halfway resumes on
 * reconnect: the next HELLO carries the receiver's state vector, so only what did not arrive is
 * sent again. Pieces from peers go through the intake (update-intake.ts), which judges them.
 *
 * Epochs: the square's document is replaced by a fresh one now and then (the founder's `epoch`
 * record, domain/kinds/epoch.ts), and each epoch's document is a Y.Doc of its own; every message
 * says its epoch, and one of another epoch's document is never applied to this one. A HELLO of
 * a later epoch also carries its founder-signed record: the keeper judges it (`offerEpoch`) and,
 * if it holds, the device moves to that epoch (`moveTo`) and says HELLO again on the same
 * connections. A HELLO of an earlier epoch is not answered: the peer moves when it reads ours.
 */

/** A transfer announced as larger than this is refused with a clear message, not attempted. */
export const MAX_TRANSFER_BYTES = 256 * 1024 * 1024;

/** What the exchange asks of the square's keeper (the board, in the app). */
export interface DocKeeper extends UpdateJudge {
  /** How many posts this device holds, announced to a peer before a transfer. */
  countPosts(): number;
  /** A peer said HELLO from a later epoch, with its record: judge it, and move if it holds. */
  offerEpoch?(offer: EpochOffer): void;
}

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
  /** The document exchanged now, of the current epoch. */
  #current: EpochDoc;
  readonly #options: DocExchangeOptions;
  readonly #chunkBytes: number;
  readonly #links = new Map<string, PeerLink>();
  readonly #listeners = new Set<(progress: TransferProgress) => void>();
  readonly stats: ExchangeStats = newExchangeStats();
  readonly #scheduler: Scheduler;
  readonly #intake: UpdateIntake;

  constructor(doc: Y.Doc, options: DocExchangeOptions) {
    this.#options = options;
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.#scheduler = options.scheduler ?? realTimers;
    this.#current = new EpochDoc(doc, options.epoch ?? null, this.#chunkBytes);
    this.#intake = new UpdateIntake({
      judge: options.judge ?? UNGUARDED,
      scheduler: this.#scheduler,
      stats: this.stats,
      doc: () => this.#current.doc,
      transferring: () => [...this.#links.values()].some((link) => link.incoming),
      quarantined: (peerId) => {
        this.removePeer(peerId);
        this.#options.onQuarantine?.(peerId);
      },
    });
    doc.on('update', this.#onDocUpdate);
  }

  /** The epoch of the document exchanged now (0: the square's first). */
  get epoch(): number {
    return this.#current.epoch;
  }

  /** Resolves once a peer on the current epoch has sent what this device lacked (a transfer's END). */
  get received(): Promise<void> {
    return this.#current.received;
  }

  /**
   * Exchanges a fresh document from now on, that of a later epoch: the connections stay, and
   * each says HELLO again, so the peers on that epoch send what it lacks and those still on an
   * earlier one learn of it. Nothing of the old document is sent or applied any more.
   */
  moveTo(doc: Y.Doc, epoch: EpochOffer): void {
    this.#current.doc.off('update', this.#onDocUpdate);
    this.#current = new EpochDoc(doc, epoch, this.#chunkBytes);
    doc.on('update', this.#onDocUpdate);
    for (const link of this.#links.values()) {
      link.restart();
      link.repeatHello(() => this.#current.hello());
    }
    this.#emit();
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
    link.repeatHello(() => this.#current.hello());
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
    return progressOf(this.#links.values());
  }

  onProgress(listener: (progress: TransferProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Updates from peers waiting to be judged again, once the keeper has caught up. */
  get judging(): number {
    return this.#intake.judging;
  }

  /** Whether a peer is in quarantine now. */
  isQuarantined(peerId: string): boolean {
    return this.#intake.isQuarantined(peerId);
  }

  destroy(): void {
    this.#current.doc.off('update', this.#onDocUpdate);
    for (const id of [...this.#links.keys()]) this.removePeer(id);
  }

  #receive(link: PeerLink, data: Uint8Array): void {
    try {
      const message = decodeMessage(data);
      // Unknown messages come from newer versions: ignored, not fatal.
      if (message) this.#handle(link, message);
    } catch (error) {
      // A malformed message from one peer must not stop the exchange with the others.
      console.warn('kaifong: dropped a malformed message from a peer', error);
    }
  }

  #handle(link: PeerLink, message: ExchangeMessage): void {
    if (message.type === 'hello') {
      this.#onHello(link, message);
      return;
    }
    if (message.epoch !== this.epoch) return;
    switch (message.type) {
      case 'begin':
        this.#onBegin(link, message);
        break;
      case 'chunk':
        if (link.refusedBytes !== null) break;
        this.#intake.apply(link, message.piece);
        link.pieceArrived();
        this.stats.piecesReceived++;
        this.#emit();
        break;
      case 'end':
        link.endIncoming();
        this.#intake.retryPending(link);
        this.#current.completed();
        this.#emit();
        break;
      case 'update':
        this.#intake.apply(link, message.update);
        break;
    }
  }

  /**
   * A HELLO's epoch, compared with ours: equal (answered once per link, with everything its
   * state vector lacks), earlier (not answered: the peer moves when it reads our HELLO), or later
   * (its record goes to the keeper, once per link and epoch).
   */
  #onHello(link: PeerLink, hello: Extract<ExchangeMessage, { type: 'hello' }>): void {
    if (hello.epoch !== this.epoch) {
      if (hello.epoch > this.epoch && link.offered < hello.epoch) {
        link.offered = hello.epoch;
        this.#options.onEpoch?.(hello.readOffer(), link.peerId);
      }
      return;
    }
    if (!link.answered) {
      // A peer that just moved to our epoch may have let our HELLOs go unanswered meanwhile.
      if (!link.repeating) link.repeatHello(() => this.#current.hello());
      // NOTE: a HELLO sent before the peer's end of the channel was open is lost, and the next
      // try was up to HELLO_RETRY_MS away (a newcomer's transfer began 250 ms late in 2 runs of
      // 3). The peer's first HELLO says its end is open: say ours again at once.
      else if (!link.heardHello) link.send([this.#current.hello()]);
    }
    link.heardHello = true;
    if (link.answeredPeer) return;
    link.answeredPeer = true;
    link.send(this.#current.answer(hello.stateVector, this.#options.countPosts()));
  }

  #onBegin(link: PeerLink, begin: Extract<ExchangeMessage, { type: 'begin' }>): void {
    link.answered = true;
    if (begin.bytes > (this.#options.maxTransferBytes ?? MAX_TRANSFER_BYTES)) {
      // Refused, not attempted: its pieces are dropped as they come, and the refusal is shown
      // for as long as that peer stays.
      link.refusedBytes = begin.bytes;
      link.endIncoming();
    } else {
      const bounded = boundedAnnouncement(begin.pieces, begin.posts, begin.bytes);
      link.refusedBytes = null;
      link.beginIncoming(bounded, STALL_MS, () => this.#emit());
      this.stats.transfersBegun++;
      this.stats.piecesAnnounced += bounded.total;
    }
    this.#emit();
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.#current.changed();
    if (this.#links.size === 0) return;
    const messages = this.#current.live(update);
    for (const link of this.#links.values()) {
      if (link !== origin || this.#intake.completing) link.send(messages);
    }
  };

  #emit(): void {
    const progress = this.progress;
    for (const listener of this.#listeners) listener(progress);
  }
}
