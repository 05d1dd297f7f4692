import * as Y from 'yjs';
import type { WebrtcProvider } from 'y-webrtc';
import { signalingFor, type SyncConfig } from './config.ts';
import {
  DocExchange,
  type DocKeeper,
  type EpochOffer,
  type ExchangeStats,
  type TransferProgress,
} from './doc-exchange.ts';
import type { Invite } from '../domain/invite.ts';
import { INITIATE_CONNECTIONS } from './connection-budget.ts';
import { openExchangeChannel, type WebrtcConnLike } from './exchange-channel.ts';
import { SignalGuard } from './signal-guard.ts';
import { StatusReporter } from './status-reporter.ts';
import type { SyncStatus, Transport } from './transport.ts';

/** How often connection state is sampled; y-webrtc emits no event for every change we show. */
export const STATUS_POLL_MS = 1000;

/** How a square exchanges its document with peers. */
export type ExchangeMode =
  /** Our chunked, flow-controlled exchange over y-webrtc's connections (the default). */
  | 'chunked'
  /** y-webrtc's own exchange of the whole document, kept only to measure it against. */
  | 'stock';

export interface ConnectionOptions {
  readonly mode?: ExchangeMode;
  /** The square's keeper: counts posts for newcomers and judges what peers send (the board). */
  readonly keeper?: DocKeeper;
  /** The epoch of `doc` and its record (default: epoch 0, the square's first document). */
  readonly epoch?: EpochOffer | null;
  readonly now?: () => number;
  /** Loads y-webrtc's provider; tests pass a fake. By default y-webrtc itself, on first connect(). */
  readonly loadProvider?: () => Promise<typeof WebrtcProvider>;
}

/**
 * A square's peer network: y-webrtc for signalling and connections, and the document exchange
 * over each connection (or y-webrtc's own, in stock mode). y-webrtc merges when peers meet.
 */
export class WebrtcTransport implements Transport {
  readonly #mode: ExchangeMode;
  readonly #exchange: DocExchange | null;
  readonly #loadProvider: () => Promise<typeof WebrtcProvider>;
  #provider: WebrtcProvider | null = null;
  #guard: SignalGuard | null = null;
  readonly #status = new StatusReporter();
  #timer: ReturnType<typeof setInterval> | undefined;
  #connecting = false;
  #destroyed = false;
  #startedMs = 0;

  readonly now: () => number;

  #doc: Y.Doc;

  constructor(
    doc: Y.Doc,
    readonly invite: Invite,
    readonly config: SyncConfig,
    options: ConnectionOptions = {},
  ) {
    this.#doc = doc;
    this.now = options.now ?? Date.now;
    this.#mode = options.mode ?? 'chunked';
    this.#loadProvider = options.loadProvider ?? (async () => (await import('y-webrtc')).WebrtcProvider);
    const keeper = options.keeper;
    this.#exchange =
      this.#mode === 'chunked'
        ? new DocExchange(doc, {
            countPosts: () => keeper?.countPosts() ?? 0,
            ...(keeper ? { judge: keeper, onEpoch: (offer: EpochOffer) => keeper.offerEpoch?.(offer) } : {}),
            epoch: options.epoch ?? null,
            // A quarantined peer's WebRTC connection goes too, so it no longer counts as a neighbour.
            onQuarantine: (peerId) => this.#connection(peerId)?.destroy(),
          })
        : null;
  }

  /**
   * Joins the square's room on every signalling server it lists (`signalingFor`). NOTE: y-webrtc
   * (with simple-peer) is loaded here, not at start: the list paints from the vault before the
   * network code is even fetched, and the first load stays small. Each server's socket
   * reconnects by itself with backoff (lib0/websocket: 0 ms, then growing to 2.5 s between
   * tries), and while signalling is up but no neighbour is, the room is announced again
   * (SignalGuard.sweep): a peer that dropped and came back is met again within seconds.
   */
  connect(): void {
    if (this.#connecting || this.#provider) return;
    this.#connecting = true;
    this.#loadProvider()
      .then((Provider) => {
        if (!this.#destroyed) this.#start(Provider);
      })
      .catch((error: unknown) => {
        console.error('kaifong: the network code could not be loaded', error);
        this.#status.update({ signalling: 'unreachable' });
      });
  }

  #start(Provider: typeof WebrtcProvider): void {
    // In chunked mode y-webrtc gets a document of its own that stays empty: it signals and
    // connects, and the exchange carries the square over each connection it makes.
    const providerDoc = this.#exchange ? new Y.Doc() : this.#doc;
    // Signals are signed, fresh and budgeted (signal-guard.ts), whichever exchange runs.
    this.#guard = SignalGuard.wrap(
      this.invite.room,
      this.now,
      () =>
        new Provider(this.invite.room, providerDoc, {
          signaling: signalingFor(this.config, this.invite),
          password: this.invite.secret,
          maxConns: INITIATE_CONNECTIONS,
          // Tabs of one browser get no document over y-webrtc's BroadcastChannel in chunked mode,
          // so they connect over WebRTC like any other peer.
          filterBcConns: this.#exchange === null,
          peerOpts: { config: { iceServers: [...this.config.iceServers] } },
        }),
    );
    const provider = this.#guard.provider;
    this.#provider = provider;
    this.#startedMs = this.now();
    if (this.#exchange) {
      // A finished transfer, even an empty one, means we hold everything that peer had.
      this.#exchange.onProgress((progress) => {
        if (!progress.receiving) this.#status.update({ lastSyncedMs: this.now() });
      });
    } else {
      provider.on('synced', ({ synced }: { synced: boolean }) => {
        if (synced) this.#status.update({ lastSyncedMs: this.now() });
      });
    }
    this.#doc.on('update', this.#onUpdate);
    provider.on('peers', ({ added, removed }: { added: string[]; removed: string[] }) => {
      for (const id of removed) this.#exchange?.removePeer(id);
      for (const id of added) this.#attachExchange(id);
      this.#sample();
    });
    this.#timer = setInterval(() => this.#sample(), STATUS_POLL_MS);
    this.#sample();
  }

  /** The document exchanged now: the current epoch's. */
  get doc(): Y.Doc {
    return this.#doc;
  }

  /**
   * Exchanges the fresh document of a later epoch over the same connections (chunked mode; the
   * stock exchange, kept only to measure against, has no epochs).
   */
  moveTo(doc: Y.Doc, epoch: EpochOffer): void {
    if (!this.#exchange) throw new Error('epochs need the chunked exchange');
    if (this.#provider) {
      this.#doc.off('update', this.#onUpdate);
      doc.on('update', this.#onUpdate);
    }
    this.#doc = doc;
    this.#exchange.moveTo(doc, epoch);
  }

  /** The epoch of the document exchanged now (0 in stock mode). */
  get exchangeEpoch(): number {
    return this.#exchange?.epoch ?? 0;
  }

  /** Resolves once a peer on the current epoch has sent this device what it lacked. */
  get received(): Promise<void> {
    return this.#exchange?.received ?? Promise.resolve();
  }

  /** Progress of any transfer a peer is sending us (chunked mode only). */
  get transfer(): TransferProgress | null {
    return this.#exchange?.progress ?? null;
  }

  /** Exchange counters (chunked mode only), for diagnostics. */
  get exchangeStats(): ExchangeStats | null {
    return this.#exchange?.stats ?? null;
  }

  /** Subscribes to transfer progress; returns the unsubscribe function. */
  onTransfer(listener: (progress: TransferProgress) => void): () => void {
    return this.#exchange?.onProgress(listener) ?? (() => {});
  }

  get status(): SyncStatus {
    return this.#status.status;
  }

  /** The WebRTC provider, for diagnostics; null before connect(). */
  get provider(): WebrtcProvider | null {
    return this.#provider;
  }

  /** The room's signalling guard, for diagnostics; null before connect(). */
  get signalGuard(): SignalGuard | null {
    return this.#guard;
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    return this.#status.onStatus(listener);
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    clearInterval(this.#timer);
    this.#doc.off('update', this.#onUpdate);
    this.#exchange?.destroy();
    this.#provider?.destroy();
    this.#provider = null;
    this.#guard?.dispose();
    this.#guard = null;
  }

  readonly #onUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Remote changes arrive with y-webrtc's Room (stock) or an exchange link as their origin.
    const fromPeer = this.#exchange ? this.#exchange.isPeerOrigin(origin) : origin === this.#provider?.room;
    if (fromPeer) this.#status.update({ lastSyncedMs: this.now() });
  };

  /** Runs the document exchange over a y-webrtc connection once it is up. */
  #attachExchange(peerId: string): void {
    const exchange = this.#exchange;
    const conn = this.#connection(peerId);
    if (!exchange || !conn) return;
    openExchangeChannel(
      conn,
      () => this.#connection(peerId) === conn, // not replaced meanwhile
      (channel) => exchange.addPeer(peerId, channel),
    );
  }

  #connection(peerId: string): WebrtcConnLike | undefined {
    return this.#provider?.room?.webrtcConns.get(peerId) as WebrtcConnLike | undefined;
  }

  #sample(): void {
    const provider = this.#provider;
    if (!provider) return;
    this.#guard?.sweep();
    let peers = 0;
    provider.room?.webrtcConns.forEach((conn) => {
      if (conn.connected) peers++;
    });
    const serversUp = provider.signalingConns.filter((conn) => conn.connected).length;
    const signalling = this.#status.signallingOf(serversUp, this.now() - this.#startedMs);
    this.#status.update({ peers, signalling, serversUp, serversTotal: provider.signalingConns.length });
  }
}
