import type { BoardFold } from '../domain/fold/board-fold.ts';
import type { PostId, RecordId } from '../domain/ids.ts';
import { subjectOf, type AnyRecord } from '../domain/kinds/registry.ts';
import {
  dueForPruning,
  liveWith,
  orphansToDrop,
  pastRetention,
  recordsToTakeBack,
  type RetentionContext,
} from '../domain/retention.ts';
import type { SharedRecords } from './records-map.ts';
import type { Vault } from './vault.ts';

/** What to write to the shared map after judging records that went missing or came back. */
export interface Arbitration {
  /** Valid records to put back into the map. */
  readonly putBack: AnyRecord[];
  /** Records to accept into the fold (taken back after pruning). */
  readonly accept: AnyRecord[];
  /** Records of pruned posts a peer sent back: deleted from the map again. */
  readonly deleteAgain: AnyRecord[];
}

/**
 * Retention's memory on this device: what was pruned, what came back, what a peer deleted that
 * we let go. Its decisions are pure (domain/retention.ts); this class keeps the state they
 * judge and is the one place pruning starts.
 */
export class RetentionArbiter {
  readonly #fold: BoardFold;
  readonly #vault: Vault;
  readonly #map: SharedRecords;
  readonly #now: () => number;
  /** Record ids dropped by retention: ignored wherever they come from. */
  readonly #pruned: Set<string>;
  /** Verified records of pruned posts that came back, by id, until judged (see sentBack). */
  readonly #returned = new Map<string, AnyRecord>();
  /** Records pruned this session, by post, in case the post turns out not past retention. */
  readonly #graveyard = new Map<PostId, AnyRecord[]>();
  /** Records of pruned posts deleted again this session: each is deleted again once only. */
  readonly #deletedAgain = new Set<string>();
  /** Ids of records a peer deleted that we did not put back, their post being due for pruning. */
  readonly #heldBack = new Set<string>();

  constructor(fold: BoardFold, vault: Vault, map: SharedRecords, now: () => number, pruned: Iterable<string>) {
    this.#fold = fold;
    this.#vault = vault;
    this.#map = map;
    this.#now = now;
    this.#pruned = new Set(pruned);
  }

  /** Whether a record belongs to a post this device pruned. */
  isOfPrunedPost(record: AnyRecord): boolean {
    const post = subjectOf(record);
    return post !== null && this.#pruned.has(post);
  }

  /**
   * Drops posts closed for longer than the retention period (shown or held back), with all their
   * records, and records that waited too long for a post that never came, from the fold and the
   * vault; returns them, for the caller to delete from the map, and the posts that changed.
   */
  pruneDue(nowMs: number): { pruned: PostId[]; changed: ReadonlySet<PostId>; ids: RecordId[] } {
    const days = this.#fold.retentionDays();
    const due = [...this.#fold.postStates()].filter((post) => pastRetention(post, nowMs, days)).map((p) => p.id);
    const ids = due.flatMap((post) => this.#fold.recordIdsOf(post));
    for (const id of ids) this.#bury(id);
    const { posts: changed } = this.#fold.forget(due);
    this.#vault.prune(ids);
    const orphans = orphansToDrop(this.#fold.waiting(), nowMs);
    this.#drop(orphans);
    return { pruned: due, changed, ids: [...ids, ...orphans] };
  }

  /** Lets go for good of records the fold dropped (an erased post's): never taken back. */
  dropForGood(ids: Iterable<RecordId>): RecordId[] {
    const dropped = [...ids];
    for (const id of dropped) {
      this.#vault.release(id);
      this.#pruned.add(id);
      this.#map.forget(id);
    }
    this.#vault.prune(dropped);
    return dropped;
  }

  /**
   * Judges valid records a peer deleted or overwrote, and records of pruned posts that came
   * back. NOTE: a deleted update whose post we never had is dropped: most likely a peer pruned
   * the post; if not, a device that has the post puts the update back.
   */
  arbitrate(lost: readonly AnyRecord[], returned: readonly AnyRecord[]): Arbitration {
    const putBack: AnyRecord[] = [];
    const dropped: RecordId[] = [];
    for (const record of lost) {
      if (this.#isOrphan(record)) dropped.push(record.id);
      else if (this.#letGo(record)) this.#heldBack.add(record.id);
      else putBack.push(record);
    }
    this.#drop(dropped);
    const { keep, missing, stale } = this.#sentBack(returned);
    return { putBack: [...putBack, ...missing], accept: keep, deleteAgain: stale };
  }

  /**
   * Whether a peer may delete or overwrite this record without it being put back: the rule an
   * incoming update is judged by before it is applied (`going`: what else it removes), and the
   * one `arbitrate` applies after.
   */
  mayLose(record: AnyRecord, going: ReadonlySet<string>): boolean {
    return this.#isOrphan(record) || this.#letGo(record, going);
  }

  /** An update or message whose post this device never had: most likely a peer pruned the post. */
  #isOrphan(record: AnyRecord): boolean {
    const post =
      record.kind === 'update' || record.kind === 'edit' || record.kind === 'message' ? subjectOf(record) : null;
    return post !== null && !this.#fold.postState(post);
  }

  /**
   * After posts changed, what to put back of those no longer due for pruning (a late renewal,
   * say): records a peer deleted that we let go while the post was due, and records we pruned
   * ourselves before a peer showed the post was not past retention, if it stays live with them.
   */
  reconcile(posts: ReadonlySet<PostId>): { putBack: AnyRecord[]; accept: AnyRecord[] } {
    const putBack: AnyRecord[] = [];
    const accept: AnyRecord[] = [];
    for (const post of posts) {
      const state = this.#fold.postState(post);
      if (!state || dueForPruning(state, this.#now(), this.#fold.retentionDays())) continue;
      const held = this.#held(post);
      for (const record of held) {
        if (this.#heldBack.delete(record.id) && !this.#map.holds(record)) putBack.push(record);
      }
      const pruned = this.#graveyard.get(post);
      if (!pruned || !liveWith(post, [...held, ...pruned], this.#context())) continue;
      this.#takeBack(post, pruned);
      putBack.push(...pruned);
      accept.push(...pruned);
    }
    return { putBack, accept };
  }

  /**
   * Records of pruned posts that came back, judged together with what else we know of them
   * (domain/retention.ts `recordsToTakeBack`). Those not taken back are deleted again, but once
   * only: one sent back after that comes from a peer that still disagrees (a clock more than a
   * day off), and is left in the document, unused here, until that peer prunes it too.
   */
  #sentBack(records: readonly AnyRecord[]): { keep: AnyRecord[]; missing: AnyRecord[]; stale: AnyRecord[] } {
    const keep: AnyRecord[] = [];
    const missing: AnyRecord[] = [];
    const stale: AnyRecord[] = [];
    for (const record of records) this.#returned.set(record.id, record);
    for (const post of new Set(records.map(subjectOf))) {
      if (post === null) continue;
      const returned = [...this.#returned.values()].filter((record) => subjectOf(record) === post);
      const sent = returned.filter((record) => this.#map.holds(record));
      const known = new Map([...(this.#graveyard.get(post) ?? []), ...returned].map((r) => [r.id, r]));
      const buried = [...known.values()].filter((record) => !sent.includes(record));
      const back = recordsToTakeBack(post, { sent, buried, waiting: this.#held(post) }, this.#context());
      this.#takeBack(post, back);
      for (const record of back) {
        keep.push(record);
        if (!this.#map.has(record.id)) missing.push(record);
      }
    }
    for (const record of records) {
      if (!this.#returned.has(record.id) || this.#deletedAgain.has(record.id)) continue;
      this.#deletedAgain.add(record.id);
      stale.push(record);
    }
    return { keep, missing, stale };
  }

  /**
   * Whether a record a peer deleted belongs to a post that is past, or within a day of,
   * retention. Such a record is not put back: that peer pruned it, perhaps with a clock a little
   * ahead of ours, and restoring it would only start a tug of war. A peer that prunes deletes the
   * post record too, so an update deleted while its post is still there is put back.
   */
  #letGo(record: AnyRecord, going: ReadonlySet<string> = new Set()): boolean {
    const postId = subjectOf(record);
    const post = postId === null ? undefined : this.#fold.postState(postId);
    const about = record.kind === 'update' || record.kind === 'edit' || record.kind === 'message';
    if (post === undefined || (about && this.#map.has(post.id) && !going.has(post.id))) return false;
    return dueForPruning(post, this.#now(), this.#fold.retentionDays());
  }

  /** Forgets that records of a post were pruned: they are about to be accepted again. */
  #takeBack(post: PostId, records: readonly AnyRecord[]): void {
    const ids = new Set(records.map((record) => record.id));
    for (const id of ids) {
      this.#pruned.delete(id);
      this.#returned.delete(id);
    }
    const buried = (this.#graveyard.get(post) ?? []).filter((record) => !ids.has(record.id));
    if (buried.length > 0) this.#graveyard.set(post, buried);
    else this.#graveyard.delete(post);
  }

  /** The records of a post in the vault. */
  #held(post: PostId): AnyRecord[] {
    return this.#fold.recordIdsOf(post).flatMap((id) => this.#vault.get(id) ?? []);
  }

  /** Drops records waiting for a post that a peer pruned (or that never came), as if we had pruned them. */
  #drop(ids: readonly RecordId[]): void {
    for (const id of ids) {
      const record = this.#vault.get(id);
      const post =
        record?.kind === 'update' || record?.kind === 'edit' || record?.kind === 'erase' || record?.kind === 'message'
          ? subjectOf(record)
          : null;
      if (post !== null) this.#fold.forgetWaiting(id, post);
      this.#bury(id);
    }
    this.#vault.prune(ids);
  }

  /** Moves a record from the vault to the graveyard. */
  #bury(id: string): void {
    const record = this.#vault.release(id);
    const post = record ? subjectOf(record) : null;
    if (record && post !== null) this.#graveyard.set(post, [...(this.#graveyard.get(post) ?? []), record]);
    this.#pruned.add(id);
    this.#map.forget(id);
  }

  #context(): RetentionContext {
    return { founder: this.#fold.authority.founder, nowMs: this.#now(), retentionDays: this.#fold.retentionDays() };
  }
}
