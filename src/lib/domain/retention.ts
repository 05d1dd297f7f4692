import type { AuthorKey, PostId } from './ids.ts';
import { closedAtMs } from './expiry.ts';
import { BoardFold } from './fold/board-fold.ts';
import type { PostState } from './fold/post-state.ts';
import { byTimeThenId } from './fold/order.ts';
import type { MessageRecord } from './fold/messages.ts';
import type { PostRecordOf } from './fold/posts.ts';
import { hlcMs } from './hlc.ts';
import type { AnyRecord } from './kinds/registry.ts';
import type { RecordId } from './ids.ts';

/**
 * Retention's decisions, pure: same records and time give the same answer on every device.
 * The board's retention arbiter (board/retention.ts) keeps the state these judge.
 */

/** How long closed posts stay in the live square unless the founder sets otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
/** Clock difference between devices tolerated when a peer prunes before we do. */
export const PRUNE_GRACE_MS = 24 * 3_600_000;
const DAY = 24 * 3_600_000;

/** Whether a post has been closed for longer than the retention period, so every device drops it. */
export function pastRetention(post: PostState, nowMs: number, retentionDays = DEFAULT_RETENTION_DAYS): boolean {
  const closed = closedAtMs(post, nowMs);
  return closed !== null && nowMs - closed > retentionDays * DAY;
}

/** Whether a post is past, or within the grace period of, retention: a peer may have pruned it. */
export function dueForPruning(post: PostState, nowMs: number, retentionDays?: number): boolean {
  return pastRetention(post, nowMs + PRUNE_GRACE_MS, retentionDays);
}

/** The square's settings retention judges with. */
export interface RetentionContext {
  readonly founder: AuthorKey;
  readonly nowMs: number;
  readonly retentionDays: number | undefined;
}

/** Whether these records of a post make it a post not past retention. */
export function liveWith(post: PostId, records: readonly AnyRecord[], context: RetentionContext): boolean {
  const probe = new BoardFold(context.founder);
  probe.add(records);
  const state = probe.post(post);
  return state !== undefined && !pastRetention(state, context.nowMs, context.retentionDays);
}

/** What a device knows of a post it pruned, when some of its records come back from a peer. */
export interface ReturnedPost {
  /** Records of the post that peers hold in the document now. */
  readonly sent: readonly AnyRecord[];
  /** Records of it this device pruned, or that were sent back and deleted again. */
  readonly buried: readonly AnyRecord[];
  /** Updates this device kept since, waiting in the fold for their post. */
  readonly waiting: readonly AnyRecord[];
}

/**
 * Which records of a pruned post to take back. A peer puts a post back only while, by the
 * records it holds, the post is not past retention; when the records sent back show that too
 * (that peer saw an update we did not: a renewal, a resolution after expiry), the post is taken
 * back, or two devices would delete and restore it for ever. A device that saw only some of a
 * post's records may find it closed later than we did, so what else we know counts only if it
 * keeps the post live too.
 */
export function recordsToTakeBack(post: PostId, known: ReturnedPost, context: RetentionContext): AnyRecord[] {
  const { sent, buried, waiting } = known;
  if (liveWith(post, [...sent, ...buried, ...waiting], context)) return [...sent, ...buried];
  if (liveWith(post, [...sent, ...waiting], context)) return [...sent];
  return [];
}

/** How long an update or message about a post this device never had waits for the post before it is dropped. */
export const ORPHAN_TTL_MS = 3 * DAY;
/**
 * Updates one author may have waiting for posts that are not here. An honest device's updates
 * wait only while a transfer is under way; 2,000 updates to posts that do not exist are an attack.
 */
export const MAX_WAITING_PER_AUTHOR = 50;
/**
 * Erase records one author may keep for posts that are not here. NOTE: they never expire: an
 * erased post's erase record is what refuses the post when a stale peer sends it again.
 */
export const MAX_ERASES_PER_AUTHOR = 500;

/**
 * Which waiting records to drop: updates and messages dated more than ORPHAN_TTL_MS ago, and each author's
 * beyond their bound (earliest kept, so every device keeps the same ones).
 */
export function orphansToDrop(waiting: Iterable<PostRecordOf | MessageRecord>, nowMs: number): RecordId[] {
  const groups = new Map<string, (PostRecordOf | MessageRecord)[]>();
  const drop: RecordId[] = [];
  for (const record of waiting) {
    if (record.kind !== 'erase' && nowMs - hlcMs(record.at) > ORPHAN_TTL_MS) drop.push(record.id);
    else {
      const key = `${record.kind} ${record.author}`;
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
  }
  for (const records of groups.values()) {
    const bound = records[0]?.kind === 'erase' ? MAX_ERASES_PER_AUTHOR : MAX_WAITING_PER_AUTHOR;
    if (records.length > bound)
      drop.push(
        ...records
          .sort(byTimeThenId)
          .slice(bound)
          .map((r) => r.id),
      );
  }
  return drop;
}
