import type { Clock } from '../../src/lib/domain/clock.ts';

interface Timer {
  readonly every: number | null;
  next: number;
  readonly task: () => void;
}

/**
 * A clock the test moves by hand: `advance(ms)` runs every timer that falls due, in time order.
 * `yield()` resolves on a macrotask, as the system clock's does.
 */
export class FakeClock implements Clock {
  #now: number;
  readonly #timers = new Set<Timer>();

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Sets the time without running timers (a device whose clock jumps). */
  set(ms: number): void {
    this.#now = ms;
  }

  after(ms: number, task: () => void): () => void {
    return this.#add({ every: null, next: this.#now + ms, task });
  }

  every(ms: number, task: () => void): () => void {
    return this.#add({ every: ms, next: this.#now + ms, task });
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, running each timer as often as it falls due. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: Timer | undefined;
      for (const timer of this.#timers) if (timer.next <= end && (!due || timer.next < due.next)) due = timer;
      if (!due) break;
      this.#now = due.next;
      if (due.every === null) this.#timers.delete(due);
      else due.next += due.every;
      due.task();
    }
    this.#now = end;
  }

  yield(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  #add(timer: Timer): () => void {
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }
}

/** A clock that reads time from a function and never runs timers. */
export function clockReading(now: () => number): Clock {
  return {
    now,
    after: () => () => {},
    every: () => () => {},
    yield: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}
