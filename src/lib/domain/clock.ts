/**
 * Time, injected: the composition root passes the system clock, tests a fake one, so no layer
 * below state/ reads the wall clock or sets a timer itself.
 */
export interface Clock {
  /** Wall-clock milliseconds. */
  now(): number;
  /** Calls `task` once after `ms`, unless the returned function is called first. */
  after(ms: number, task: () => void): () => void;
  /** Calls `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
  /** Resolves once pending events have had their turn: long work yields with it. */
  yield(): Promise<void>;
}
