import type { Authority } from '../authority.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import type { AnyRecord, RecordKind } from '../kinds/registry.ts';

/** What changed in the fold after adding records: which parts of the UI to patch. */
export interface FoldChange {
  readonly posts: ReadonlySet<PostId>;
  readonly profiles: ReadonlySet<AuthorKey>;
  /** Whether the square's name, settings or site changed. */
  readonly square: boolean;
  /** Whether the messages that count changed (arrived, went, or a block changed who may write). */
  readonly messages: boolean;
  /** Whether stock offers, claims, draws or handovers changed. */
  readonly stock: boolean;
  /** Records the fold let go of for good (an erased post's): to drop from storage, never to take back. */
  readonly dropped: ReadonlySet<RecordId>;
}

/** A change being collected while a batch folds. */
export interface ChangeBuilder {
  readonly posts: Set<PostId>;
  readonly profiles: Set<AuthorKey>;
  square: boolean;
  messages: boolean;
  stock: boolean;
  readonly dropped: Set<RecordId>;
}

export function emptyChange(): ChangeBuilder {
  return { posts: new Set(), profiles: new Set(), square: false, messages: false, stock: false, dropped: new Set() };
}

/**
 * One part of the fold: the records of some kinds and the state they make. Slices never see
 * each other's records; they judge with the authority the trust slice computed first.
 */
export interface FoldSlice {
  readonly kinds: readonly RecordKind[];
  /** Takes a new record of one of its kinds (each record arrives once). */
  add(record: AnyRecord, change: ChangeBuilder): void;
  /** Recomputes what the records added since the last call touched. */
  settle(authority: Authority, change: ChangeBuilder): void;
  /** Re-judges every record that depends on authority, after it changed. */
  rejudge(authority: Authority, change: ChangeBuilder): void;
  /** Records that verified but are not allowed. */
  rejectedCount(authority: Authority): number;
}
