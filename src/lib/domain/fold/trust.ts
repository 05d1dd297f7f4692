import { founderAuthority, type Authority } from '../authority.ts';
import type { AuthorKey } from '../ids.ts';
import type { AnyRecord, RecordKind } from '../kinds/registry.ts';

/**
 * The trust slice, folded before every other: roles, vouches and blocks make the Authority the
 * other slices judge with. Today the founder from the invite link is the whole of it; when a
 * kind here changes the authority, `settle` returns true and the fold re-judges the rest.
 */
export class TrustSlice {
  readonly kinds: readonly RecordKind[] = [];
  #authority: Authority;

  constructor(founder: AuthorKey) {
    this.#authority = founderAuthority(founder);
  }

  get authority(): Authority {
    return this.#authority;
  }

  add(_record: AnyRecord): void {}

  /** Recomputes the authority; true if it changed. */
  settle(): boolean {
    return false;
  }
}
