import type { Authority } from '../authority.ts';
import type { AuthorKey, PostId } from '../ids.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import type { ReviewItem } from './board-view.ts';
import type { PostState } from './post-state.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type Report = VerifiedRecord<'report'>;

/**
 * Members' reports of posts, for the volunteers' review queue: each reporter counts once per
 * post (their first report). Whether a report is allowed depends on its post and on blocks,
 * which are checked when the queue is listed.
 */
export class ReportsSlice implements FoldSlice {
  readonly kinds = ['report'] as const;
  readonly #byPost = new Map<PostId, Map<AuthorKey, Report>>();

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind !== 'report') return;
    const reports = this.#byPost.get(record.body.post) ?? new Map<AuthorKey, Report>();
    const current = reports.get(record.author);
    // The earliest report of each reporter counts, whatever order they arrive in.
    if (current && (current.at < record.at || (current.at === record.at && current.id < record.id))) return;
    reports.set(record.author, record);
    this.#byPost.set(record.body.post, reports);
    change.posts.add(record.body.post);
  }

  settle(): void {}

  rejudge(): void {}

  rejectedCount(): number {
    return 0;
  }

  /** Posts with reports, each with one report per reporter. */
  *reported(): Generator<[PostId, readonly Report[]]> {
    for (const [post, reports] of this.#byPost) yield [post, [...reports.values()]];
  }

  /** Shown posts (`post`) that members reported and no volunteer has hidden yet, with the reports that count. */
  queue(post: (id: PostId) => PostState | undefined, authority: Authority): ReviewItem[] {
    const queue: ReviewItem[] = [];
    for (const [id, all] of this.reported()) {
      const shown = post(id);
      if (!shown || shown.hidden) continue;
      const reports = all.filter(
        (r) => !authority.isBlocked(r.author) && KINDS.report.authorise(r, shown, authority).ok,
      );
      if (reports.length > 0) queue.push({ post: shown, reports });
    }
    return queue;
  }

  reportsOf(post: PostId): readonly Report[] {
    return [...(this.#byPost.get(post)?.values() ?? [])];
  }
}
