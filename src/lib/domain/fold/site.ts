import type { Authority } from '../authority.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import { KINDS } from '../kinds/registry.ts';
import { latest } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type SiteRecord = VerifiedRecord<'site'>;

/**
 * The compound's site: the latest site record the authority allows (the founder's or a
 * volunteer's). A resident's site record never counts, and one by a volunteer whose role was
 * revoked stops counting, so the site falls back to the latest allowed before it. A change of
 * site is announced as a change of the square.
 */
export class SiteSlice implements FoldSlice {
  readonly kinds = ['site'] as const;
  readonly #records: SiteRecord[] = [];
  #current: SiteRecord | undefined;
  #dirty = false;

  add(record: AnyRecord): void {
    if (record.kind !== 'site') return;
    this.#records.push(record);
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    const next = latest(this.#records.filter((r) => allowed(r, authority)));
    if (next !== this.#current) {
      this.#current = next;
      change.square = true;
    }
  }

  rejectedCount(authority: Authority): number {
    return this.#records.filter((r) => !allowed(r, authority)).length;
  }

  get current(): SiteRecord | undefined {
    return this.#current;
  }
}

function allowed(record: SiteRecord, authority: Authority): boolean {
  return !authority.isBlocked(record.author) && KINDS.site.authorise(record, undefined, authority).ok;
}
