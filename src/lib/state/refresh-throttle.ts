import { flushSync } from 'svelte';
import type { Clock } from '../domain/clock.ts';

/** The shortest interval between two re-renders of the board during bulk changes. */
export const REFRESH_MS = 100;
/**
 * During bulk changes a re-render waits at least this many times as long as the last one took:
 * at 50,000 records a re-render (the list, the counts, the desk's matches) costs about 100 ms,
 * and one every REFRESH_MS left the fold of a newcomer's transfer half the page's time.
 */
export const REFRESH_COST_FACTOR = 4;
/**
 * While a transfer is received (and until what arrived is folded), re-renders wait at least this
 * long: the progress line says how far it is, and each re-render of a growing list costs layout
 * and paint besides the script the cost factor sees.
 */
export const TRANSFER_REFRESH_MS = 500;

/**
 * When a square re-renders after board changes: at once when changes are sparse (a neighbour's
 * post shows within milliseconds), at most every REFRESH_MS during a bulk transfer, when thousands
 * of records arrive and patching the list for each would starve the page; never more than a
 * REFRESH_COST_FACTOR-th of the time; and at most every TRANSFER_REFRESH_MS while one is received.
 */
export class RefreshThrottle {
  readonly #clock: Clock;
  #lastMs = Number.NEGATIVE_INFINITY;
  /** How long the last re-render took, the components' update included. */
  #lastCostMs = 0;
  #pending: (() => void) | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `render` now or when its turn comes; a request while one waits joins it. */
  request(render: () => void, transferring: boolean): void {
    if (this.#pending) return;
    const clock = this.#clock;
    const run = () => {
      this.#pending = null;
      const started = (this.#lastMs = clock.now());
      render();
      // The components update now rather than in Svelte's microtask, so that is measured too.
      flushSync();
      this.#lastCostMs = clock.now() - started;
    };
    const least = transferring ? TRANSFER_REFRESH_MS : REFRESH_MS;
    const wait = this.#lastMs + Math.max(least, REFRESH_COST_FACTOR * this.#lastCostMs) - clock.now();
    if (wait <= 0) run();
    else this.#pending = clock.after(wait, run);
  }

  /** Drops a re-render that waits. */
  cancel(): void {
    this.#pending?.();
    this.#pending = null;
  }
}
