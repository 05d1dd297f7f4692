import type { AuthorKey, PostId } from '../ids.ts';
import type { AnyRecord, VerifiedRecord } from '../kinds/registry.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type Report = VerifiedRecord<'report'>;

/**
 * Members' reports of posts, for the volunteers' review queue: each reporter counts once per
 * post (their first report). Whether a report is allowed depends on its post and on blocks,
 * which the fold's view checks when it lists the queue.
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

  reportsOf(post: PostId): readonly Report[] {
    return [...(this.#byPost.get(post)?.values() ?? [])];
  }
}
