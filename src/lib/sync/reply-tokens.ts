/**
 * Replies (an announce addressed to one peer) sent per second to announces that found no slot:
 * the announcer then offers, and offers have slots a flood of announces cannot take.
 */
export const REPLY_RATE_PER_SECOND = 10;
/** Replies that may go at once. */
export const REPLY_BURST = 20;

/** The replies a room may send now: a token bucket of REPLY_BURST, refilled at REPLY_RATE_PER_SECOND. */
export class ReplyTokens {
  #tokens = REPLY_BURST;
  #refilledMs = 0;

  constructor(private readonly now: () => number) {}

  /** Takes a token if one is left: whether a reply may go now. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(REPLY_BURST, this.#tokens + ((now - this.#refilledMs) / 1000) * REPLY_RATE_PER_SECOND);
    this.#refilledMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
