import type { Authority } from '../authority.ts';
import type { AnyRecord, RecordKind, VerifiedRecord } from '../kinds/registry.ts';
import { latest } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

/**
 * A setting of the whole square that its latest allowed record decides (its name and retention,
 * its site): a record the authority stops allowing (a role revoked) stops counting, and the
 * setting falls back to the latest allowed before it. A change is announced as the square's.
 */
export class LatestAllowedSlice<K extends RecordKind> implements FoldSlice {
  readonly kinds: readonly [K];
  readonly #allowed: (record: VerifiedRecord<K>, authority: Authority) => boolean;
  readonly #records: VerifiedRecord<K>[] = [];
  #current: VerifiedRecord<K> | undefined;
  #dirty = false;

  constructor(kind: K, allowed: (record: VerifiedRecord<K>, authority: Authority) => boolean) {
    this.kinds = [kind];
    this.#allowed = allowed;
  }

  add(record: AnyRecord): void {
    if (record.kind !== this.kinds[0]) return;
    this.#records.push(record as VerifiedRecord<K>);
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    const next = latest(this.#records.filter((r) => this.#allowed(r, authority)));
    if (next !== this.#current) {
      this.#current = next;
      change.square = true;
    }
  }

  rejectedCount(authority: Authority): number {
    return this.#records.filter((r) => !this.#allowed(r, authority)).length;
  }

  get current(): VerifiedRecord<K> | undefined {
    return this.#current;
  }
}
