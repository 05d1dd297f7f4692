/**
 * The exchange's only use of time, behind an interface so tests run it on a clock of their own
 * (the core starts no timers of its own, as in tldraw's sync-core).
 */
export interface Scheduler {
  /** Milliseconds on the scheduler's clock. */
  now(): number;
  /** Calls `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** The platform's timers: what the app uses. */
export const realTimers: Scheduler = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};
