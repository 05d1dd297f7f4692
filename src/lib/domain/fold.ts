import type { AuthorKey, PostId, RecordId } from './ids.ts';
import { hlcMs, type Hlc } from './hlc.ts';
import type { AnyRecord, PostBody, ProfileBody, UpdateAction, VerifiedRecord } from './records.ts';

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

/** Why a verified record did not count. */
export type RejectReason = 'unauthorised' | 'duplicate';

/** What changed in the fold after adding records: which posts to re-render. */
export interface FoldChange {
  readonly posts: ReadonlySet<PostId>;
  readonly profiles: ReadonlySet<AuthorKey>;
  readonly square: boolean;
}

type Update = VerifiedRecord<'update'>;

/**
 * The incremental fold from verified records to board state. The result depends only on the
 * set of records added, never on their order: updates that arrive before their post wait for
 * it, and competing records are ordered by (timestamp, id).
 */
export class BoardFold {
  readonly #posts = new Map<PostId, PostState>();
  readonly #postRecords = new Map<PostId, VerifiedRecord<'post'>>();
  readonly #updates = new Map<PostId, Update[]>();
  readonly #profiles = new Map<AuthorKey, VerifiedRecord<'profile'>>();
  #square: VerifiedRecord<'square'> | undefined;
  readonly #seen = new Set<RecordId>();
  #rejected = 0;

  constructor(readonly founder: AuthorKey) {}

  /** Adds verified records; returns what changed. Records already seen are ignored. */
  add(records: Iterable<AnyRecord>): FoldChange {
    const posts = new Set<PostId>();
    const profiles = new Set<AuthorKey>();
    let square = false;
    for (const record of records) {
      if (this.#seen.has(record.id)) continue;
      this.#seen.add(record.id);
      switch (record.kind) {
        case 'post':
          this.#postRecords.set(record.id, record);
          posts.add(record.id);
          break;
        case 'update': {
          const list = this.#updates.get(record.body.post) ?? [];
          list.push(record);
          this.#updates.set(record.body.post, list);
          posts.add(record.body.post);
          break;
        }
        case 'profile':
          if (later(record, this.#profiles.get(record.author))) {
            this.#profiles.set(record.author, record);
            profiles.add(record.author);
          }
          break;
        case 'square':
          if (record.author !== this.founder) this.#rejected++;
          else if (later(record, this.#square)) {
            this.#square = record;
            square = true;
          }
          break;
      }
    }
    for (const id of posts) this.#recompute(id);
    return { posts, profiles, square };
  }

  /** Forgets a post and everything about it (retention pruning). */
  forget(id: PostId): void {
    for (const recordId of this.recordIdsOf(id)) this.#seen.delete(recordId);
    this.#posts.delete(id);
    this.#postRecords.delete(id);
    this.#updates.delete(id);
  }

  /** Forgets an update still waiting for its post, which a peer dropped by retention. */
  forgetWaiting(update: RecordId, post: PostId): void {
    if (this.#postRecords.has(post)) return;
    const waiting = (this.#updates.get(post) ?? []).filter((u) => u.id !== update);
    if (waiting.length > 0) this.#updates.set(post, waiting);
    else this.#updates.delete(post);
    this.#seen.delete(update);
  }

  post(id: PostId): PostState | undefined {
    return this.#posts.get(id);
  }

  posts(): IterableIterator<PostState> {
    return this.#posts.values();
  }

  /** Posts known, whatever their status. */
  get postCount(): number {
    return this.#posts.size;
  }

  profile(author: AuthorKey): ProfileBody | undefined {
    return this.#profiles.get(author)?.body;
  }

  squareName(): string | undefined {
    return this.#square?.body.name;
  }

  /** The founder's retention setting, if any. */
  retentionDays(): number | undefined {
    return this.#square?.body.retentionDays;
  }

  /** Ids of every record about a post: the post itself and all updates to it. */
  recordIdsOf(id: PostId): RecordId[] {
    const ids: RecordId[] = (this.#updates.get(id) ?? []).map((u) => u.id);
    if (this.#postRecords.has(id)) ids.push(id);
    return ids;
  }

  /** Records that verified but were not allowed (e.g. someone else resolving my post). */
  get rejectedCount(): number {
    let unauthorised = this.#rejected;
    for (const [postId, updates] of this.#updates) {
      const post = this.#postRecords.get(postId);
      if (post) unauthorised += updates.filter((u) => !mayUpdate(u, post)).length;
    }
    return unauthorised;
  }

  get recordCount(): number {
    return this.#seen.size;
  }

  #recompute(id: PostId): void {
    const record = this.#postRecords.get(id);
    if (!record) return; // updates wait for their post
    const updates = (this.#updates.get(id) ?? []).filter((u) => mayUpdate(u, record)).sort(byTimeThenId);
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

/** Only a post's author may update it (volunteers join this rule with roles). */
function mayUpdate(update: Update, post: VerifiedRecord<'post'>): boolean {
  return update.author === post.author;
}

function byTimeThenId(a: { at: Hlc; id: RecordId }, b: { at: Hlc; id: RecordId }): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function later<T extends { at: Hlc; id: RecordId }>(candidate: T, current: T | undefined): boolean {
  return current === undefined || byTimeThenId(candidate, current) > 0;
}
