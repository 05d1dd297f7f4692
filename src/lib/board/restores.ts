import type { Clock } from '../domain/clock.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';

/** Records put back at once after peers deleted them; beyond that, RESTORES_PER_SECOND. */
export const RESTORE_BURST = 2000;
export const RESTORES_PER_SECOND = 200;
const FLUSH_MS = 1000;

/**
 * Putting back records peers deleted, batched and rate-limited (issue 9, attack 2): one write
 * per batch, and a peer that keeps deleting costs this device at most RESTORES_PER_SECOND
 * records re-sent, whatever it deletes. Only what is still needed when its turn comes is written.
 */
export class RestoreQueue {
  readonly #clock: Clock;
  readonly #write: (records: AnyRecord[]) => void;
  readonly #stillNeeded: (record: AnyRecord) => boolean;
  readonly #waiting = new Map<string, AnyRecord>();
  #tokens = RESTORE_BURST;
  #refilledMs: number;
  #cancelFlush: (() => void) | null = null;

  constructor(clock: Clock, write: (records: AnyRecord[]) => void, stillNeeded: (record: AnyRecord) => boolean) {
    this.#clock = clock;
    this.#write = write;
    this.#stillNeeded = stillNeeded;
    this.#refilledMs = clock.now();
  }

  /** Records waiting for their turn. */
  get waiting(): number {
    return this.#waiting.size;
  }

  add(records: readonly AnyRecord[]): void {
    for (const record of records) this.#waiting.set(record.id, record);
    this.#flush();
  }

  stop(): void {
    this.#cancelFlush?.();
    this.#cancelFlush = null;
  }

  #flush(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(RESTORE_BURST, this.#tokens + ((now - this.#refilledMs) / 1000) * RESTORES_PER_SECOND);
    this.#refilledMs = now;
    const batch: AnyRecord[] = [];
    for (const [id, record] of this.#waiting) {
      if (batch.length >= Math.floor(this.#tokens)) break;
      this.#waiting.delete(id);
      if (this.#stillNeeded(record)) batch.push(record);
    }
    this.#tokens -= batch.length;
    if (batch.length > 0) this.#write(batch);
    if (this.#waiting.size > 0 && this.#cancelFlush === null) {
      this.#cancelFlush = this.#clock.after(FLUSH_MS, () => {
        this.#cancelFlush = null;
        this.#flush();
      });
    }
  }
}
