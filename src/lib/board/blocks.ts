import type { Authority } from '../domain/authority.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { AuthorKey, RecordId } from '../domain/ids.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { SharedRecords } from './records-map.ts';
import type { Vault } from './vault.ts';

/** What to write to the shared map after the fold changed, or records were seen again. */
export interface BlockSweep {
  /** Records of blocked keys the map still holds: deleted, so they stop travelling. */
  readonly remove: RecordId[];
  /** Records of keys no longer blocked that the map lacks: to put back from the vault. */
  readonly putBack: AnyRecord[];
}

/**
 * A blocked key's records leave the shared map on every device that folds the block, so they
 * are no longer forwarded and no newcomer downloads them. They stay in the vault (the fold keeps
 * them, and ignores them), and go back into the map when the block is undone.
 */
export class BlockedRecords {
  readonly #view: BoardView;
  readonly #vault: Vault;
  readonly #map: SharedRecords;
  /** The authority of the last sweep, and the keys it blocked. */
  #authority: Authority | null = null;
  #blocked = new Set<AuthorKey>();

  constructor(view: BoardView, vault: Vault, map: SharedRecords) {
    this.#view = view;
    this.#vault = vault;
    this.#map = map;
  }

  /** Whether the record's key is blocked here: a peer deleting it is not answered with a restore. */
  isBlocked(record: AnyRecord): boolean {
    return this.#view.authority.isBlocked(record.author);
  }

  /**
   * Whether a peer deleting this record does no harm: its key is blocked here, or a block by
   * someone who held a role names it. NOTE: the second by design: a device that has not yet heard
   * of an undo, or of a role granted or revoked since, still deletes the key's records, and an
   * honest device must not be quarantined for that; this device puts them back.
   */
  mayLose(record: AnyRecord): boolean {
    return this.isBlocked(record) || this.#view.wasBlocked(record.author);
  }

  /**
   * After the fold changed, or records were seen in the map as this device holds them: what of
   * blocked keys to delete, and what of keys no longer blocked to put back. The vault is read
   * only when the authority changed (a trust record arrived), which is rare next to posts.
   */
  sweep(seen: readonly AnyRecord[]): BlockSweep {
    const authority = this.#view.authority;
    const remove = new Set<RecordId>();
    const putBack: AnyRecord[] = [];
    if (authority !== this.#authority) {
      this.#authority = authority;
      const blocked = new Set<AuthorKey>();
      for (const id of this.#vault.ids()) {
        const record = this.#vault.get(id);
        if (!record) continue;
        if (authority.isBlocked(record.author)) {
          blocked.add(record.author);
          if (this.#map.holds(record)) remove.add(record.id);
        } else if (this.#blocked.has(record.author) && !this.#map.holds(record)) putBack.push(record);
      }
      this.#blocked = blocked;
    }
    for (const record of seen) {
      if (authority.isBlocked(record.author) && this.#map.holds(record)) remove.add(record.id);
    }
    return { remove: [...remove], putBack };
  }
}
