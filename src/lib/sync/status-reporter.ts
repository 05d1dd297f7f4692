import { INITIAL_STATUS, type SignallingState, type SyncStatus } from './transport.ts';

/** After this long without a signalling connection the server is reported unreachable. */
export const SIGNALLING_GRACE_MS = 4000;

/** A transport's status and its listeners, told only when something the status line shows changed. */
export class StatusReporter {
  #status: SyncStatus = INITIAL_STATUS;
  readonly #listeners = new Set<(status: SyncStatus) => void>();

  get status(): SyncStatus {
    return this.#status;
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  update(patch: Partial<SyncStatus>): void {
    const next = { ...this.#status, ...patch };
    if (
      next.peers === this.#status.peers &&
      next.signalling === this.#status.signalling &&
      next.serversUp === this.#status.serversUp &&
      next.serversTotal === this.#status.serversTotal &&
      next.lastSyncedMs === this.#status.lastSyncedMs
    )
      return;
    this.#status = next;
    for (const listener of this.#listeners) listener(next);
  }

  /**
   * Signalling's state from how many servers answer now: 'connecting' for SIGNALLING_GRACE_MS
   * after the start unless it was connected already, 'unreachable' after.
   */
  signallingOf(serversUp: number, sinceStartMs: number): SignallingState {
    if (serversUp > 0) return 'connected';
    return sinceStartMs < SIGNALLING_GRACE_MS && this.#status.signalling !== 'connected' ? 'connecting' : 'unreachable';
  }
}
