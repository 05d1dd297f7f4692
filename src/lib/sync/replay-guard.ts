// Freshness of signalling envelopes (issue 9, attack 8): each carries a timestamp and a random
// nonce inside the encryption, so a frame captured off the wire and published again is dropped,
// whether soon (its nonce was seen) or late (its timestamp is stale).

/**
 * How far an envelope's timestamp may be from this device's clock. Phones and laptops keep time
 * to well within this; a device whose clock is off by more cannot signal (and is told nothing).
 */
export const SIGNAL_FRESHNESS_MS = 120_000;
/** Nonces remembered; past this the oldest go and the stale floor rises to their timestamp. */
export const MAX_REMEMBERED_NONCES = 4_096;

/** Remembers the nonces of fresh envelopes and refuses stale or repeated ones. */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  // Timestamps at or below the floor are refused: their nonces may have been forgotten.
  #floor = Number.NEGATIVE_INFINITY;

  constructor(readonly windowMs: number = SIGNAL_FRESHNESS_MS) {}

  /** True when an envelope with this nonce and timestamp could be accepted now (nothing is recorded). */
  isFresh(nonce: string, ts: number, nowMs: number): boolean {
    return Math.abs(nowMs - ts) <= this.windowMs && ts > this.#floor && !this.#seen.has(nonce);
  }

  /** Records an accepted envelope; false (and nothing recorded) when it is stale or a replay. */
  accept(nonce: string, ts: number, nowMs: number): boolean {
    if (!this.isFresh(nonce, ts, nowMs)) return false;
    this.#seen.set(nonce, ts);
    if (this.#seen.size > MAX_REMEMBERED_NONCES) this.#forget(nowMs);
    return true;
  }

  get remembered(): number {
    return this.#seen.size;
  }

  #forget(nowMs: number): void {
    for (const [nonce, ts] of this.#seen) {
      if (nowMs - ts > this.windowMs) this.#seen.delete(nonce);
    }
    for (const [nonce, ts] of this.#seen) {
      if (this.#seen.size <= MAX_REMEMBERED_NONCES) break;
      this.#seen.delete(nonce);
      this.#floor = Math.max(this.#floor, ts);
    }
  }
}
