import type { AuthorKey } from '../ids.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import { later } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

/** Each resident's latest profile. */
export class ProfilesSlice implements FoldSlice {
  readonly kinds = ['profile'] as const;
  readonly #profiles = new Map<AuthorKey, VerifiedRecord<'profile'>>();

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'profile') return;
    if (later(record, this.#profiles.get(record.author))) {
      this.#profiles.set(record.author, record);
      change.profiles.add(record.author);
    }
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
}
