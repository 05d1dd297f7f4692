import type { Authority } from '../authority.ts';
import type { PostId, RecordId } from '../ids.ts';
import type { PostSubject } from '../kinds/post.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import { byTimeThenId } from './order.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

export type FollowupRecord = VerifiedRecord<'followup'>;

/**
 * The volunteers' desk records about posts. Whether one counts is judged when it is read, with
 * the current authority and its post (the kind's rule), so a volunteer whose role is revoked
 * stops counting at once and the result depends only on the set of records. A change marks its
 * post changed, so the post's card shows the outcome wherever it is seen.
 */
export class FollowupsSlice implements FoldSlice {
  readonly kinds = ['followup'] as const;
  readonly #byPost = new Map<PostId, Map<RecordId, FollowupRecord>>();

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'followup') return;
    const records = this.#byPost.get(record.body.post) ?? new Map<RecordId, FollowupRecord>();
    records.set(record.id, record);
    this.#byPost.set(record.body.post, records);
    change.posts.add(record.body.post);
  }

  settle(): void {}

  /** A role granted or revoked, or a block, changes whose follow-ups count. */
  rejudge(_authority: Authority, change: ChangeBuilder): void {
    for (const post of this.#byPost.keys()) change.posts.add(post);
  }

  rejectedCount(authority: Authority): number {
    let count = 0;
    for (const records of this.#byPost.values())
      for (const record of records.values()) if (!counts(record, authority)) count++;
    return count;
  }

  /** The follow-ups that count on a post, oldest first. */
  of(post: PostId, subject: PostSubject | undefined, authority: Authority): FollowupRecord[] {
    const records = this.#byPost.get(post);
    if (!records || subject === undefined) return [];
    return [...records.values()]
      .filter((r) => counts(r, authority) && KINDS.followup.authorise(r, subject, authority).ok)
      .sort(byTimeThenId);
  }

  /** Posts with any follow-up. */
  posts(): IterableIterator<PostId> {
    return this.#byPost.keys();
  }

  /** Ids of every follow-up about a post, for retention. */
  idsOf(post: PostId): RecordId[] {
    return [...(this.#byPost.get(post)?.keys() ?? [])];
  }

  /** Forgets every follow-up of a post (pruned or erased); returns their ids. */
  forgetPost(post: PostId): RecordId[] {
    const ids = this.idsOf(post);
    this.#byPost.delete(post);
    return ids;
  }
}

function counts(record: FollowupRecord, authority: Authority): boolean {
  return !authority.isBlocked(record.author) && authority.canModerate(record.author);
}
