/** A Scheduler on a clock of the test's own: nothing fires until the test advances it. */
import type { Scheduler } from '../../src/lib/sync/scheduler.ts';

interface Timer {
  due: number;
  readonly ms: number;
  readonly fn: () => void;
}

/** Runs `every` callbacks only when `advance()` moves its clock past them. */
export class ManualScheduler implements Scheduler {
  #now = 0;
  readonly #timers = new Set<Timer>();

  every(ms: number, fn: () => void): () => void {
    if (!(ms > 0)) throw new Error('an interval must be positive');
    const timer: Timer = { due: this.#now + ms, ms, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }

  /** Timers not yet cancelled. */
  get active(): number {
    return this.#timers.size;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward, firing each timer as often as it falls due, in order of time. */
  advance(ms: number): number {
    const end = this.#now + ms;
    let fired = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers) if (timer.due <= end && (!next || timer.due < next.due)) next = timer;
      if (!next) break;
      this.#now = next.due;
      next.due += next.ms;
      next.fn();
      fired++;
    }
    this.#now = end;
    return fired;
  }
}
