import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { SyncConfig } from './config.ts';
import type { Invite } from './invite.ts';

export type SignallingState = 'connecting' | 'connected' | 'unreachable';

/** What the status line shows about the square's connections. */
export interface SyncStatus {
  /** Peers with an open WebRTC data channel. */
  readonly peers: number;
  readonly signalling: SignallingState;
  /** When a peer last sent us changes or confirmed we are in sync; null if never this session. */
  readonly lastSyncedMs: number | null;
}

/** How often connection state is sampled; y-webrtc emits no event for every change we show. */
export const STATUS_POLL_MS = 1000;
/** After this long without a signalling connection the server is reported unreachable. */
export const SIGNALLING_GRACE_MS = 4000;

/**
 * A square's document with its persistence (y-indexeddb) and peer network (y-webrtc).
 * Writing works before, without and after the network; y-webrtc merges when peers meet.
 */
export class SquareConnection {
  readonly doc = new Y.Doc();
  readonly #persistence: IndexeddbPersistence;
  #provider: WebrtcProvider | null = null;
  #status: SyncStatus = { peers: 0, signalling: 'connecting', lastSyncedMs: null };
  readonly #listeners = new Set<(status: SyncStatus) => void>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedMs = 0;

  constructor(
    readonly invite: Invite,
    readonly config: SyncConfig,
    readonly now: () => number = Date.now,
  ) {
    this.#persistence = new IndexeddbPersistence(`kaifong-doc-${invite.room}`, this.doc);
  }

  /** Resolves once the document holds everything stored on this device. */
  async whenLoaded(): Promise<void> {
    await this.#persistence.whenSynced;
  }

  /** Joins the square's room on the configured signalling servers. */
  connect(): void {
    if (this.#provider) return;
    const provider = new WebrtcProvider(this.invite.room, this.doc, {
      signaling: [...this.config.signaling],
      password: this.invite.secret,
      peerOpts: { config: { iceServers: [...this.config.iceServers] } },
    });
    this.#provider = provider;
    this.#startedMs = this.now();
    provider.on('synced', ({ synced }: { synced: boolean }) => {
      if (synced) this.#update({ lastSyncedMs: this.now() });
    });
    this.doc.on('update', this.#onUpdate);
    provider.on('peers', () => this.#sample());
    this.#timer = setInterval(() => this.#sample(), STATUS_POLL_MS);
    this.#sample();
  }

  get status(): SyncStatus {
    return this.#status;
  }

  /** The WebRTC provider, for diagnostics; null before connect(). */
  get provider(): WebrtcProvider | null {
    return this.#provider;
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async destroy(): Promise<void> {
    clearInterval(this.#timer);
    this.doc.off('update', this.#onUpdate);
    this.#provider?.destroy();
    this.#provider = null;
    await this.#persistence.destroy();
    this.doc.destroy();
  }

  readonly #onUpdate = (_update: Uint8Array, origin: unknown): void => {
    // y-webrtc applies remote changes with its Room as the transaction origin.
    if (this.#provider && origin === this.#provider.room) this.#update({ lastSyncedMs: this.now() });
  };

  #sample(): void {
    const provider = this.#provider;
    if (!provider) return;
    let peers = 0;
    provider.room?.webrtcConns.forEach((conn) => {
      if (conn.connected) peers++;
    });
    const online = provider.signalingConns.some((conn) => conn.connected);
    const signalling: SignallingState = online
      ? 'connected'
      : this.now() - this.#startedMs < SIGNALLING_GRACE_MS && this.#status.signalling !== 'connected'
        ? 'connecting'
        : 'unreachable';
    this.#update({ peers, signalling });
  }

  #update(patch: Partial<SyncStatus>): void {
    const next = { ...this.#status, ...patch };
    if (
      next.peers === this.#status.peers &&
      next.signalling === this.#status.signalling &&
      next.lastSyncedMs === this.#status.lastSyncedMs
    )
      return;
    this.#status = next;
    for (const listener of this.#listeners) listener(next);
  }
}
