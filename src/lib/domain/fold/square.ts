import type { Authority } from '../authority.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import { KINDS } from '../kinds/registry.ts';
import { latest } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type SquareRecord = VerifiedRecord<'square'>;

/** The square's name and settings: the latest square record the authority allows. */
export class SquareSlice implements FoldSlice {
  readonly kinds = ['square'] as const;
  readonly #records: SquareRecord[] = [];
  #current: SquareRecord | undefined;
  #dirty = false;

  add(record: AnyRecord): void {
    if (record.kind !== 'square') return;
    this.#records.push(record);
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    const next = latest(this.#records.filter((r) => KINDS.square.authorise(r, undefined, authority).ok));
    if (next !== this.#current) {
      this.#current = next;
      change.square = true;
    }
  }

  rejectedCount(authority: Authority): number {
    return this.#records.filter((r) => !KINDS.square.authorise(r, undefined, authority).ok).length;
  }

  get current(): SquareRecord | undefined {
    return this.#current;
  }
}
