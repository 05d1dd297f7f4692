import type { Authority } from '../authority.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import type { ProfileBody } from '../kinds/profile.ts';
import type { AnyRecord, RecordKind } from '../kinds/registry.ts';
import { PostsSlice, type PostRecordOf, type PostState } from './posts.ts';
import { ProfilesSlice } from './profiles.ts';
import { emptyChange, type FoldChange, type FoldSlice } from './slice.ts';
import { SquareSlice } from './square.ts';
import { TrustSlice } from './trust.ts';

/** What the rest of the app may read of a square's state; nothing here changes it. */
export interface BoardView {
  readonly authority: Authority;
  post(id: PostId): PostState | undefined;
  posts(): IterableIterator<PostState>;
  /** Posts known, whatever their status. */
  readonly postCount: number;
  profile(author: AuthorKey): ProfileBody | undefined;
  /** How many keys go by this resident's name: more than 1 marks a possible impersonation. */
  sharesName(author: AuthorKey): number;
  squareName(): string | undefined;
  /** The founder's retention setting, if any. */
  retentionDays(): number | undefined;
  /** Ids of every record about a post: the post itself and all updates to it. */
  recordIdsOf(id: PostId): RecordId[];
  /** Whether the post's author erased it: nothing about it is kept or taken back. */
  isErased(id: PostId): boolean;
  /** Records about posts this device does not have, waiting for them. */
  waiting(): Iterable<PostRecordOf>;
  /** Records that verified but were not allowed (e.g. someone else resolving my post). */
  readonly rejectedCount: number;
  /** Records folded. */
  readonly recordCount: number;
}

/**
 * The incremental fold from verified records to board state, composed of slices: trust first
 * (the authority every rule judges with), then posts, profiles and the square. The result
 * depends only on the set of records added, never on their order.
 */
export class BoardFold implements BoardView {
  readonly #trust: TrustSlice;
  readonly #posts = new PostsSlice();
  readonly #profiles = new ProfilesSlice();
  readonly #square = new SquareSlice();
  readonly #slices: readonly FoldSlice[] = [this.#posts, this.#profiles, this.#square];
  readonly #sliceOf = new Map<RecordKind, FoldSlice>();
  readonly #seen = new Set<RecordId>();

  constructor(founder: AuthorKey) {
    this.#trust = new TrustSlice(founder);
    for (const slice of this.#slices) for (const kind of slice.kinds) this.#sliceOf.set(kind, slice);
  }

  /** Adds verified records; returns what changed. Records already seen are ignored. */
  add(records: Iterable<AnyRecord>): FoldChange {
    const change = emptyChange();
    const fresh: AnyRecord[] = [];
    for (const record of records) {
      if (this.#seen.has(record.id)) continue;
      this.#seen.add(record.id);
      if (this.#trust.kinds.includes(record.kind)) this.#trust.add(record);
      else fresh.push(record);
    }
    const authorityChanged = this.#trust.settle();
    const authority = this.#trust.authority;
    if (authorityChanged) for (const slice of this.#slices) slice.rejudge(authority, change);
    for (const record of fresh) this.#sliceOf.get(record.kind)?.add(record, change);
    for (const slice of this.#slices) slice.settle(authority, change);
    for (const id of change.dropped) this.#seen.delete(id);
    return change;
  }

  /** Forgets a post and everything about it (retention pruning). */
  forget(id: PostId): void {
    for (const recordId of this.#posts.recordIdsOf(id)) this.#seen.delete(recordId);
    this.#posts.forget(id);
  }

  /** Forgets a record still waiting for its post (a peer pruned the post, or it waited too long). */
  forgetWaiting(record: RecordId, post: PostId): void {
    if (this.#posts.forgetWaiting(record, post)) this.#seen.delete(record);
  }

  isErased(id: PostId): boolean {
    return this.#posts.isErased(id);
  }

  waiting(): Iterable<PostRecordOf> {
    return this.#posts.waiting();
  }

  get authority(): Authority {
    return this.#trust.authority;
  }

  post(id: PostId): PostState | undefined {
    return this.#posts.post(id);
  }

  posts(): IterableIterator<PostState> {
    return this.#posts.posts();
  }

  get postCount(): number {
    return this.#posts.size;
  }

  profile(author: AuthorKey): ProfileBody | undefined {
    return this.#profiles.profile(author);
  }

  sharesName(author: AuthorKey): number {
    return this.#profiles.sharesName(author);
  }

  squareName(): string | undefined {
    return this.#square.current?.body.name;
  }

  retentionDays(): number | undefined {
    return this.#square.current?.body.retentionDays;
  }

  recordIdsOf(id: PostId): RecordId[] {
    return this.#posts.recordIdsOf(id);
  }

  get rejectedCount(): number {
    return this.#slices.reduce((sum, slice) => sum + slice.rejectedCount(this.#trust.authority), 0);
  }

  get recordCount(): number {
    return this.#seen.size;
  }
}
