/**
 * Hybrid logical clock timestamps: wall-clock milliseconds plus a counter, so that a record
 * written after seeing another always sorts after it even when the writer's clock is behind.
 * Encoded as a fixed-width string (`0001732500000000-0000`) that sorts lexicographically.
 */
export type Hlc = string & { readonly __brand: 'Hlc' };

export const HLC_PATTERN = /^\d{16}-\d{4}$/;
const MAX_COUNTER = 9999;
/** How far ahead of our own clock a peer's timestamp may be and still advance it. */
export const MAX_DRIFT_MS = 5 * 60_000;

export interface HlcParts {
  readonly ms: number;
  readonly counter: number;
}

/** Encodes clock parts into the sortable string form. */
export function encodeHlc({ ms, counter }: HlcParts): Hlc {
  return `${String(ms).padStart(16, '0')}-${String(counter).padStart(4, '0')}` as Hlc;
}

/** Decodes a timestamp; the caller has validated it against HLC_PATTERN. */
export function decodeHlc(hlc: Hlc): HlcParts {
  return { ms: Number(hlc.slice(0, 16)), counter: Number(hlc.slice(17)) };
}

/** Wall-clock milliseconds of a timestamp. */
export function hlcMs(hlc: Hlc): number {
  return Number(hlc.slice(0, 16));
}

/** A clock that issues strictly increasing timestamps and advances past those it observes. */
export class HybridClock {
  #last: HlcParts = { ms: 0, counter: 0 };

  constructor(private readonly now: () => number) {}

  /** A new timestamp, later than every one issued or observed before. */
  tick(): Hlc {
    const wall = Math.floor(this.now());
    if (wall > this.#last.ms) this.#last = { ms: wall, counter: 0 };
    else this.#last = bump(this.#last);
    return encodeHlc(this.#last);
  }

  /**
   * Moves the clock past a timestamp seen on another peer's record. Timestamps further in the
   * future than MAX_DRIFT_MS are not followed, so one peer's broken clock cannot drag ours along.
   */
  observe(remote: Hlc): void {
    const r = decodeHlc(remote);
    if (r.ms > this.now() + MAX_DRIFT_MS) return;
    if (r.ms > this.#last.ms || (r.ms === this.#last.ms && r.counter > this.#last.counter)) {
      this.#last = r;
    }
  }
}

function bump({ ms, counter }: HlcParts): HlcParts {
  // NOTE: on counter overflow we borrow a millisecond from the future rather than repeat a value.
  return counter >= MAX_COUNTER ? { ms: ms + 1, counter: 0 } : { ms, counter: counter + 1 };
}
