import type { Authority } from '../authority.ts';
import type { Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import { judgeLimits, limitedPost, limitsOf, type LimitedPost } from '../limits.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { byTimeThenId } from './order.ts';
import { postState, type PostState } from './post-state.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type PostRecord = VerifiedRecord<'post'>;
type Update = VerifiedRecord<'update'>;
type Erase = VerifiedRecord<'erase'>;
type Edit = VerifiedRecord<'edit'>;
/**
 * A validly signed record of a kind this version cannot read (a newer version wrote it): it
 * counts toward its author's hourly rate, so new kinds are no way around the limits.
 */
export interface ForeignRecord {
  readonly id: RecordId;
  readonly author: AuthorKey;
  readonly at: Hlc;
}

/** A record about a post that waits for the post to arrive. */
export type PostRecordOf = Update | Edit | Erase;

/**
 * Posts, their updates, their authors' edits and their erasure. Records that arrive before their post wait for it, and
 * are judged by their kind's rule once it is there, so the result does not depend on arrival
 * order. A post its author erased is dropped with everything about it, and so is anything about
 * it that arrives later. Each author's posts are judged together against their limits
 * (domain/limits.ts); posts over them, and every post of a blocked key, are held back: kept, but
 * not shown, until the author closes others or the block is undone.
 */
export class PostsSlice implements FoldSlice {
  readonly kinds = ['post', 'update', 'edit', 'erase'] as const;
  readonly #posts = new Map<PostId, PostState>();
  readonly #postRecords = new Map<PostId, PostRecord>();
  readonly #updates = new Map<PostId, Update[]>();
  readonly #edits = new Map<PostId, Edit[]>();
  readonly #erases = new Map<PostId, Erase[]>();
  /** Posts erased by their author. */
  readonly #erased = new Set<PostId>();
  readonly #touched = new Set<PostId>();
  /** Every post's state, shown or held back. */
  readonly #states = new Map<PostId, PostState>();
  /** Each author's posts, for judging their limits. */
  readonly #byAuthor = new Map<AuthorKey, Set<PostId>>();
  /** Posts held back, with why. */
  readonly #held = new Map<PostId, Verdict>();
  /** Records of kinds this version cannot read, by author, by id. */
  readonly #foreign = new Map<AuthorKey, Map<RecordId, ForeignRecord>>();
  /**
   * Each post's records refused by their kind's rule, as it was last judged (with the current
   * authority: an authority change re-judges every post), and their sum: the count is read on
   * every re-render, and going through every post for it cost a newcomer's page about 150 ms at
   * 50,000 records.
   */
  readonly #refused = new Map<PostId, number>();
  #refusedTotal = 0;

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'post' && record.kind !== 'update' && record.kind !== 'edit' && record.kind !== 'erase') return;
    const post = record.kind === 'post' ? record.id : record.body.post;
    if (this.#erased.has(post)) {
      if (record.kind !== 'erase') change.dropped.add(record.id);
      return;
    }
    if (record.kind === 'post') {
      this.#postRecords.set(record.id, record);
      const own = this.#byAuthor.get(record.author) ?? new Set<PostId>();
      own.add(record.id);
      this.#byAuthor.set(record.author, own);
    } else if (record.kind === 'update') this.#updates.set(post, [...(this.#updates.get(post) ?? []), record]);
    else if (record.kind === 'edit') this.#edits.set(post, [...(this.#edits.get(post) ?? []), record]);
    else this.#erases.set(post, [...(this.#erases.get(post) ?? []), record]);
    this.#touched.add(post);
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    const authors = new Set<AuthorKey>();
    for (const id of this.#touched) {
      const author = this.#postRecords.get(id)?.author;
      if (author !== undefined) authors.add(author);
      const post = this.#postRecords.get(id);
      if (post && (this.#erases.get(id) ?? []).some((e) => KINDS.erase.authorise(e, post, authority).ok)) {
        // The post and its updates go; the erase records stay, so the post is refused if sent again.
        change.dropped.add(id);
        for (const update of this.#updates.get(id) ?? []) change.dropped.add(update.id);
        for (const edit of this.#edits.get(id) ?? []) change.dropped.add(edit.id);
        this.#drop(id);
        this.#erased.add(id);
      } else {
        this.#recompute(id, authority);
      }
      change.posts.add(id);
    }
    this.#touched.clear();
    for (const author of authors) this.#judgeAuthor(author, authority, change);
  }

  /** Shows or holds back each of an author's posts, by their limits and any block. */
  #judgeAuthor(author: AuthorKey, authority: Authority, change: ChangeBuilder): void {
    const ids = [...(this.#byAuthor.get(author) ?? [])];
    const states = ids.flatMap((id) => this.#states.get(id) ?? []);
    const blocked = authority.isBlocked(author);
    const verdicts = judgeLimits(
      [
        ...states.filter((s) => !blocked && KINDS.post.authorise(s, undefined, authority).ok).map(limitedPost),
        ...this.foreignOf(author),
      ],
      limitsOf(author, authority),
    );
    for (const state of states) {
      const verdict = blocked
        ? refused('blocked')
        : (verdicts.get(state.id) ?? KINDS.post.authorise(state, undefined, authority));
      const wasShown = this.#posts.has(state.id);
      if (verdict.ok) {
        this.#held.delete(state.id);
        this.#posts.set(state.id, state);
      } else {
        this.#held.set(state.id, verdict);
        this.#posts.delete(state.id);
      }
      if (wasShown !== verdict.ok) change.posts.add(state.id);
    }
  }

  /** Counts records of kinds this version cannot read toward their authors' hourly rate. */
  addForeign(records: readonly ForeignRecord[], authority: Authority, change: ChangeBuilder): void {
    const authors = new Set<AuthorKey>();
    for (const record of records) {
      const own = this.#foreign.get(record.author) ?? new Map<RecordId, ForeignRecord>();
      if (own.has(record.id)) continue;
      own.set(record.id, record);
      this.#foreign.set(record.author, own);
      authors.add(record.author);
    }
    for (const author of authors) this.#judgeAuthor(author, authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    for (const id of this.#postRecords.keys()) this.#touched.add(id);
    this.settle(authority, change);
  }

  /** Posts held back, and updates, edits and erasures of posts here that their rules refuse. */
  rejectedCount(): number {
    return this.#held.size + this.#refusedTotal;
  }

  /** Whether this device has the post's record (shown or held back). */
  has(id: PostId): boolean {
    return this.#postRecords.has(id);
  }

  /** Whether the post's author erased it. */
  isErased(id: PostId): boolean {
    return this.#erased.has(id);
  }

  /** Records about posts this device does not have: they wait for their post. */
  *waiting(): Generator<PostRecordOf> {
    for (const [postId, updates] of this.#updates) if (!this.#postRecords.has(postId)) yield* updates;
    for (const [postId, edits] of this.#edits) if (!this.#postRecords.has(postId)) yield* edits;
    for (const [postId, erases] of this.#erases) if (!this.#postRecords.has(postId)) yield* erases;
  }

  post(id: PostId): PostState | undefined {
    return this.#posts.get(id);
  }

  /** A post's state whether it is shown or held back. */
  postState(id: PostId): PostState | undefined {
    return this.#states.get(id);
  }

  /** Every post's state, shown or held back. */
  postStates(): IterableIterator<PostState> {
    return this.#states.values();
  }

  posts(): IterableIterator<PostState> {
    return this.#posts.values();
  }

  get size(): number {
    return this.#posts.size;
  }

  /** Ids of every record about a post: the post itself, its updates and edits, and any refused erasure. */
  recordIdsOf(id: PostId): RecordId[] {
    const ids: RecordId[] = [
      ...(this.#updates.get(id) ?? []),
      ...(this.#edits.get(id) ?? []),
      ...(this.#erases.get(id) ?? []),
    ].map((r) => r.id);
    if (this.#postRecords.has(id)) ids.push(id);
    return ids;
  }

  /** Why a post of this device's is held back (over its author's limits, or blocked), if it is. */
  heldReason(id: PostId): Verdict | undefined {
    return this.#held.get(id);
  }

  /** An author's records of kinds this version cannot read, as the limits count them: never open. */
  foreignOf(author: AuthorKey): LimitedPost[] {
    return [...(this.#foreign.get(author)?.values() ?? [])].map(({ id, at }) => ({
      id,
      at,
      openUntilMs: Number.NEGATIVE_INFINITY,
    }));
  }

  /** Posts an author has, shown or held back, for judging a new one against the limits. */
  postsOf(author: AuthorKey): PostState[] {
    return [...(this.#byAuthor.get(author) ?? [])].flatMap((id) => this.#states.get(id) ?? []);
  }

  /** Whether a new post by this author at this time would be within their limits. */
  judgeNew(author: AuthorKey, at: Hlc, authority: Authority): Verdict {
    if (authority.isBlocked(author)) return { ok: false, reason: 'blocked' };
    // NOTE: an id that sorts after every real one, so the new post is judged last among equals.
    const candidate = { id: '~' as RecordId, at, openUntilMs: Number.POSITIVE_INFINITY };
    const posts = [
      ...this.postsOf(author)
        .filter((p) => KINDS.post.authorise(p, undefined, authority).ok)
        .map(limitedPost),
      ...this.foreignOf(author),
    ];
    return judgeLimits([...posts, candidate], limitsOf(author, authority)).get(candidate.id) ?? ALLOWED;
  }

  /**
   * Forgets a post and everything about it (retention pruning), and judges the author's other
   * posts again: the limits then count what is left, as on a device that never had the post.
   */
  forget(id: PostId, authority: Authority, change: ChangeBuilder): void {
    const author = this.#postRecords.get(id)?.author;
    this.#drop(id);
    if (author !== undefined) this.#judgeAuthor(author, authority, change);
  }

  #drop(id: PostId): void {
    const author = this.#postRecords.get(id)?.author;
    if (author !== undefined) {
      const own = this.#byAuthor.get(author);
      own?.delete(id);
      if (own?.size === 0) this.#byAuthor.delete(author);
    }
    this.#states.delete(id);
    this.#held.delete(id);
    this.#posts.delete(id);
    this.#postRecords.delete(id);
    this.#updates.delete(id);
    this.#edits.delete(id);
    this.#erases.delete(id);
    this.#touched.delete(id);
    this.#setRefused(id, 0);
  }

  #setRefused(id: PostId, count: number): void {
    this.#refusedTotal += count - (this.#refused.get(id) ?? 0);
    if (count > 0) this.#refused.set(id, count);
    else this.#refused.delete(id);
  }

  /** Forgets a record still waiting for its post; false if the post is here after all. */
  forgetWaiting(record: RecordId, post: PostId): boolean {
    if (this.#postRecords.has(post)) return false;
    for (const lists of [this.#updates, this.#edits, this.#erases] as Map<PostId, PostRecordOf[]>[]) {
      const waiting = (lists.get(post) ?? []).filter((r) => r.id !== record);
      if (waiting.length > 0) lists.set(post, waiting);
      else lists.delete(post);
    }
    return true;
  }

  #recompute(id: PostId, authority: Authority): void {
    const record = this.#postRecords.get(id);
    if (!record) return; // updates wait for their post
    const allUpdates = this.#updates.get(id) ?? [];
    const updates = allUpdates.filter((u) => KINDS.update.authorise(u, record, authority).ok).sort(byTimeThenId);
    // Each edit is judged against the post as published and carries every editable field: the latest one decides.
    const allEdits = this.#edits.get(id) ?? [];
    const edits = allEdits.filter((e) => KINDS.edit.authorise(e, record, authority).ok);
    const edit = edits.sort(byTimeThenId).at(-1);
    // Judged here only when no erasure of the post counts (settle): each one is refused.
    const erases = this.#erases.get(id)?.length ?? 0;
    this.#setRefused(id, allUpdates.length - updates.length + (allEdits.length - edits.length) + erases);
    const state = postState(record, updates, edit, authority.hidingOf(id));
    this.#states.set(id, state);
    // Shown at once if it was; the author's limits decide in settle.
    if (this.#posts.has(id)) this.#posts.set(id, state);
  }
}
