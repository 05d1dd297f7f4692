import type { Authority } from '../authority.ts';
import type { AuthorKey } from '../ids.ts';
import type { AnyRecord, RecordKind, VerifiedRecord } from '../kinds/registry.ts';
import { later } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

/**
 * What a slice keeps of its records: every one, or only each author's latest. Whether a record
 * is allowed depends on its author alone (their role, whether they are blocked), so the latest
 * allowed record is always some author's latest: keeping only those changes nothing that
 * counts, not even the fallback when a role is revoked, and the others can go for good.
 */
export type Kept = 'all' | 'latest-per-author';

/**
 * A part of the square that the records of one kind the authority allows decide together (its
 * settings, its site, its epoch, its moves): a record the authority stops allowing (a role
 * revoked) stops counting, and the state is decided again without it. A change of that state
 * is announced as the square's.
 */
export abstract class AllowedSlice<K extends RecordKind, S> implements FoldSlice {
  readonly kinds: readonly [K];
  readonly #allowed: (record: VerifiedRecord<K>, authority: Authority) => boolean;
  readonly #kept: Kept;
  /** Each author's records, oldest first; only the latest one with 'latest-per-author'. */
  readonly #records = new Map<AuthorKey, VerifiedRecord<K>[]>();
  #state: S;
  #dirty = false;

  constructor(kind: K, allowed: (record: VerifiedRecord<K>, authority: Authority) => boolean, kept: Kept, initial: S) {
    this.kinds = [kind];
    this.#allowed = allowed;
    this.#kept = kept;
    this.#state = initial;
  }

  /** The state the allowed records make (the records are a fresh array, free to sort). */
  protected abstract decide(allowed: VerifiedRecord<K>[]): S;

  /** Whether two states are the same, so that deciding again changes nothing. */
  protected same(a: S, b: S): boolean {
    return a === b;
  }

  /** The state decided last. */
  protected get state(): S {
    return this.#state;
  }

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== this.kinds[0]) return;
    const mine = record as VerifiedRecord<K>;
    const held = this.#records.get(mine.author) ?? [];
    if (this.#kept === 'all') {
      this.#records.set(mine.author, [...held, mine]);
    } else if (later(mine, held[0])) {
      // NOTE: by design, whichever order records arrive in, every device keeps the same one.
      for (const old of held) change.dropped.add(old.id);
      this.#records.set(mine.author, [mine]);
    } else {
      change.dropped.add(mine.id);
      return;
    }
    this.#dirty = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    const next = this.decide(this.#all().filter((r) => this.#allowed(r, authority)));
    if (this.same(next, this.#state)) return;
    this.#state = next;
    change.square = true;
  }

  rejectedCount(authority: Authority): number {
    return this.#all().filter((r) => !this.#allowed(r, authority)).length;
  }

  #all(): VerifiedRecord<K>[] {
    return [...this.#records.values()].flat();
  }
}
