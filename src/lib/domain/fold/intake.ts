import { hlcMs, MAX_DRIFT_MS } from '../hlc.ts';
import type { RecordId } from '../ids.ts';
import type { AnyRecord } from '../kinds/registry.ts';

/**
 * Which records a fold takes, and when: each once, by id, and one dated more than MAX_DRIFT_MS
 * ahead of this device's clock only once its time has come, so a post dated a year ahead cannot
 * sit above everything.
 */
export class Intake {
  readonly #seen = new Set<RecordId>();
  readonly #future: AnyRecord[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The records to fold now: those held as dated ahead whose time has come, then the new ones due. */
  take(records: Iterable<AnyRecord>): AnyRecord[] {
    const horizon = this.#now() + MAX_DRIFT_MS;
    const due = this.#future.filter((record) => hlcMs(record.at) <= horizon);
    if (due.length > 0) {
      const waiting = this.#future.filter((record) => hlcMs(record.at) > horizon);
      this.#future.splice(0, this.#future.length, ...waiting);
    }
    for (const record of records) {
      if (this.#seen.has(record.id)) continue;
      this.#seen.add(record.id);
      if (hlcMs(record.at) > horizon) this.#future.push(record);
      else due.push(record);
    }
    return due;
  }

  /** Lets go of records (dropped or forgotten): taken again if they come back. */
  forget(ids: Iterable<RecordId>): void {
    for (const id of ids) this.#seen.delete(id);
  }

  /** Records taken, dated ahead or not. */
  get count(): number {
    return this.#seen.size;
  }

  /** Records dated ahead, waiting for their time. */
  get futureCount(): number {
    return this.#future.length;
  }
}
