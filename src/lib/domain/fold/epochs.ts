import type { Authority } from '../authority.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import { byTimeThenId } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

export type EpochRecord = VerifiedRecord<'epoch'>;

/**
 * The square's current epoch: the highest epoch number the authority allows (a member's forged
 * epoch is ignored), named by the earliest record of that number. NOTE: two of the founder's
 * devices may start the same number concurrently; both name the same document, so either record
 * will do, and every device picks the same one.
 */
export class EpochsSlice implements FoldSlice {
  readonly kinds = ['epoch'] as const;
  readonly #records: EpochRecord[] = [];
  #current: EpochRecord | undefined;
  #dirty = false;

  add(record: AnyRecord): void {
    if (record.kind !== 'epoch') return;
    this.#records.push(record);
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    let next: EpochRecord | undefined;
    for (const record of [...this.#records].sort(byTimeThenId)) {
      if (!KINDS.epoch.authorise(record, undefined, authority).ok) continue;
      if (next === undefined || record.body.epoch > next.body.epoch) next = record;
    }
    if (next !== this.#current) {
      this.#current = next;
      change.square = true;
    }
  }

  rejectedCount(authority: Authority): number {
    return this.#records.filter((r) => !KINDS.epoch.authorise(r, undefined, authority).ok).length;
  }

  get current(): EpochRecord | undefined {
    return this.#current;
  }
}
