import { nameKey } from '../fingerprint.ts';
import type { AuthorKey } from '../ids.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import type { Hlc } from '../hlc.ts';
import { later } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

/** A resident with a profile, as the Members view lists them. */
export interface Member {
  readonly author: AuthorKey;
  readonly profile: ProfileBody;
  /** The time of their earliest profile record. */
  readonly firstSeen: Hlc;
}

/** Each resident's latest profile, and when they were first seen. */
export class ProfilesSlice implements FoldSlice {
  readonly kinds = ['profile'] as const;
  readonly #profiles = new Map<AuthorKey, VerifiedRecord<'profile'>>();
  readonly #firstSeen = new Map<AuthorKey, Hlc>();
  /** Who goes by each name (in its folded form), so an impersonator is marked. */
  readonly #byName = new Map<string, Set<AuthorKey>>();

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'profile') return;
    const first = this.#firstSeen.get(record.author);
    if (first === undefined || record.at < first) this.#firstSeen.set(record.author, record.at);
    const current = this.#profiles.get(record.author);
    if (!later(record, current)) return;
    if (current) this.#byName.get(nameKey(current.body.name))?.delete(record.author);
    this.#profiles.set(record.author, record);
    const key = nameKey(record.body.name);
    const holders = this.#byName.get(key) ?? new Set<AuthorKey>();
    holders.add(record.author);
    this.#byName.set(key, holders);
    // Everyone who goes by this name now shows the mark.
    for (const author of holders) change.profiles.add(author);
  }

  /** How many keys go by this resident's name (1 when it is theirs alone). */
  sharesName(author: AuthorKey): number {
    const profile = this.#profiles.get(author);
    return profile ? (this.#byName.get(nameKey(profile.body.name))?.size ?? 1) : 0;
  }

  settle(): void {}

  rejudge(): void {}

  rejectedCount(): number {
    return 0;
  }

  profile(author: AuthorKey): ProfileBody | undefined {
    return this.#profiles.get(author)?.body;
  }

  authors(): IterableIterator<AuthorKey> {
    return this.#profiles.keys();
  }

  /** Everyone with a profile, earliest first (ties by key, so every device lists the same). */
  members(): Member[] {
    return [...this.#profiles]
      .map(([author, record]) => ({
        author,
        profile: record.body,
        firstSeen: this.#firstSeen.get(author) ?? record.at,
      }))
      .sort((a, b) =>
        a.firstSeen !== b.firstSeen ? (a.firstSeen < b.firstSeen ? -1 : 1) : a.author < b.author ? -1 : 1,
      );
  }
}
