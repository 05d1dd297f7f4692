import type { Authority } from '../authority.ts';
import { hlcMs, type Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import type { PostBody } from '../kinds/post.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import type { UpdateAction } from '../kinds/update.ts';
import { byTimeThenId } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

/** A post with its current status, as every peer computes it from the same records. */
export interface PostState {
  readonly id: PostId;
  readonly author: AuthorKey;
  readonly at: Hlc;
  readonly body: PostBody;
  readonly status: 'open' | 'resolved' | 'withdrawn';
  /** When the post was published or last renewed: expiry counts from here. */
  readonly activeSinceMs: number;
  /** Time of the latest accepted record about this post. */
  readonly lastActivityMs: number;
  readonly progress: readonly { readonly at: Hlc; readonly note: string }[];
}

type PostRecord = VerifiedRecord<'post'>;
type Update = VerifiedRecord<'update'>;

/**
 * Posts and their updates. Updates that arrive before their post wait for it, and are judged by
 * the update rule once it is there, so the result does not depend on arrival order.
 */
export class PostsSlice implements FoldSlice {
  readonly kinds = ['post', 'update'] as const;
  readonly #posts = new Map<PostId, PostState>();
  readonly #postRecords = new Map<PostId, PostRecord>();
  readonly #updates = new Map<PostId, Update[]>();
  readonly #touched = new Set<PostId>();

  add(record: AnyRecord): void {
    if (record.kind === 'post') {
      this.#postRecords.set(record.id, record);
      this.#touched.add(record.id);
    } else if (record.kind === 'update') {
      const list = this.#updates.get(record.body.post) ?? [];
      list.push(record);
      this.#updates.set(record.body.post, list);
      this.#touched.add(record.body.post);
    }
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    for (const id of this.#touched) {
      this.#recompute(id, authority);
      change.posts.add(id);
    }
    this.#touched.clear();
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    for (const id of this.#postRecords.keys()) this.#touched.add(id);
    this.settle(authority, change);
  }

  rejectedCount(authority: Authority): number {
    let unauthorised = 0;
    for (const [postId, updates] of this.#updates) {
      const post = this.#postRecords.get(postId);
      if (post) unauthorised += updates.filter((u) => !KINDS.update.authorise(u, post, authority).ok).length;
    }
    return unauthorised;
  }

  post(id: PostId): PostState | undefined {
    return this.#posts.get(id);
  }

  posts(): IterableIterator<PostState> {
    return this.#posts.values();
  }

  get size(): number {
    return this.#posts.size;
  }

  /** Ids of every record about a post: the post itself and all updates to it. */
  recordIdsOf(id: PostId): RecordId[] {
    const ids: RecordId[] = (this.#updates.get(id) ?? []).map((u) => u.id);
    if (this.#postRecords.has(id)) ids.push(id);
    return ids;
  }

  /** Forgets a post and everything about it (retention pruning). */
  forget(id: PostId): void {
    this.#posts.delete(id);
    this.#postRecords.delete(id);
    this.#updates.delete(id);
    this.#touched.delete(id);
  }

  /** Forgets an update still waiting for its post; false if the post is here after all. */
  forgetWaiting(update: RecordId, post: PostId): boolean {
    if (this.#postRecords.has(post)) return false;
    const waiting = (this.#updates.get(post) ?? []).filter((u) => u.id !== update);
    if (waiting.length > 0) this.#updates.set(post, waiting);
    else this.#updates.delete(post);
    return true;
  }

  #recompute(id: PostId, authority: Authority): void {
    const record = this.#postRecords.get(id);
    if (!record) return; // updates wait for their post
    const updates = (this.#updates.get(id) ?? [])
      .filter((u) => KINDS.update.authorise(u, record, authority).ok)
      .sort(byTimeThenId);
    let status: PostState['status'] = 'open';
    let activeSinceMs = hlcMs(record.at);
    let lastActivityMs = activeSinceMs;
    const progress: { at: Hlc; note: string }[] = [];
    for (const update of updates) {
      const ms = hlcMs(update.at);
      lastActivityMs = Math.max(lastActivityMs, ms);
      status = nextStatus(status, update.body.action);
      if (update.body.action === 'renew') activeSinceMs = Math.max(activeSinceMs, ms);
      if (update.body.note) progress.push({ at: update.at, note: update.body.note });
    }
    this.#posts.set(id, {
      id,
      author: record.author,
      at: record.at,
      body: record.body,
      status,
      activeSinceMs,
      lastActivityMs,
      progress,
    });
  }
}

function nextStatus(current: PostState['status'], action: UpdateAction): PostState['status'] {
  switch (action) {
    case 'resolve':
      return 'resolved';
    case 'withdraw':
      return 'withdrawn';
    case 'renew':
      return 'open';
    case 'progress':
      return current;
  }
}
