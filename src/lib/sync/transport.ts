import type { TransferProgress } from './doc-exchange.ts';

export type SignallingState = 'connecting' | 'connected' | 'unreachable';

/** What the status line shows about the square's connections. */
export interface SyncStatus {
  /** Peers with an open connection. */
  readonly peers: number;
  readonly signalling: SignallingState;
  /** Signalling servers that answer now, of `serversTotal` the square lists. */
  readonly serversUp: number;
  readonly serversTotal: number;
  /** When a peer last sent us changes or confirmed we are in sync; null if never this session. */
  readonly lastSyncedMs: number | null;
}

export const INITIAL_STATUS: SyncStatus = {
  peers: 0,
  signalling: 'connecting',
  serversUp: 0,
  serversTotal: 0,
  lastSyncedMs: null,
};

/** Carries a square's document to and from other devices. Writing works before, without and after it. */
export interface Transport {
  /** Joins the square's network; calling it again does nothing. */
  connect(): void;
  readonly status: SyncStatus;
  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void;
  /** Progress of any transfer a peer is sending us, if the transport reports it. */
  readonly transfer: TransferProgress | null;
  /** Subscribes to transfer progress; returns the unsubscribe function. */
  onTransfer(listener: (progress: TransferProgress) => void): () => void;
  /** Leaves the network for good. */
  destroy(): Promise<void>;
}

/** A Transport that goes nowhere, driven by tests: they set the status and progress it reports. */
export class InMemoryTransport implements Transport {
  connected = false;
  destroyed = false;
  status: SyncStatus = INITIAL_STATUS;
  transfer: TransferProgress | null = null;
  readonly #statusListeners = new Set<(status: SyncStatus) => void>();
  readonly #transferListeners = new Set<(progress: TransferProgress) => void>();

  connect(): void {
    this.connected = true;
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  onTransfer(listener: (progress: TransferProgress) => void): () => void {
    this.#transferListeners.add(listener);
    return () => this.#transferListeners.delete(listener);
  }

  /** Reports a new status, as the network would. */
  report(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of this.#statusListeners) listener(this.status);
  }

  /** Reports transfer progress, as a peer sending the square would. */
  reportTransfer(progress: TransferProgress): void {
    this.transfer = progress;
    for (const listener of this.#transferListeners) listener(progress);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}
