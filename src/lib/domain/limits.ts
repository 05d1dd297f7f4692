import type { Authority } from './authority.ts';
import { expiresAtMs } from './expiry.ts';
import type { PostState } from './fold/post-state.ts';
import { byTimeThenId } from './fold/order.ts';
import { hlcMs, type Hlc } from './hlc.ts';
import type { AuthorKey, RecordId } from './ids.ts';
import { ALLOWED, refused, type Verdict } from './reasons.ts';

/** Limits on posts every device enforces in the fold, so a modified client gains nothing. */
export const POST_LIMITS = {
  /** Open posts at once for a key no volunteer has vouched for. */
  openUnvouched: 3,
  /** Open posts at once for a verified neighbour. */
  open: 10,
  /** Open posts at once for a volunteer or the founder, who pin stock offers. */
  openVolunteer: 50,
  /** Posts published in any hour. */
  perHour: 20,
  perHourVolunteer: 100,
} as const;

export const HOUR_MS = 3_600_000;

/** The limits that apply to one key under the current authority. */
export interface AuthorLimits {
  readonly open: number;
  readonly perHour: number;
}

export function limitsOf(author: AuthorKey, authority: Authority): AuthorLimits {
  if (authority.canModerate(author)) return { open: POST_LIMITS.openVolunteer, perHour: POST_LIMITS.perHourVolunteer };
  return {
    open: authority.isVouched(author) ? POST_LIMITS.open : POST_LIMITS.openUnvouched,
    perHour: POST_LIMITS.perHour,
  };
}

/** What the limits need to know of each of an author's posts. */
export interface LimitedPost {
  readonly id: RecordId;
  readonly at: Hlc;
  /**
   * Until when the post counts as open: its expiry if its status is open, or -Infinity once it
   * is resolved or withdrawn (a post closed later frees its place for earlier posts too).
   */
  readonly openUntilMs: number;
}

/** What the limits count of a post's state. */
export function limitedPost(post: PostState): LimitedPost {
  return {
    id: post.id,
    at: post.at,
    openUntilMs: post.status === 'open' ? expiresAtMs(post) : Number.NEGATIVE_INFINITY,
  };
}

/**
 * Judges all of one author's posts against their limits, in the order every device gives them
 * (time, then id): a post is over the hourly rate if the posts accepted in the hour before it
 * reach the rate, and over the open limit if as many earlier accepted posts are still open at
 * its time. The answer depends only on the set of posts and the authority, never on arrival
 * order. NOTE: a post resolved or withdrawn counts as closed all along, by design: once the
 * author resolves one, the next one held back shows.
 */
export function judgeLimits(posts: readonly LimitedPost[], limits: AuthorLimits): Map<RecordId, Verdict> {
  const verdicts = new Map<RecordId, Verdict>();
  const window: number[] = [];
  /** Until when each accepted post that may still be open at the next one's time is open. */
  let open: number[] = [];
  for (const post of [...posts].sort(byTimeThenId)) {
    const ms = hlcMs(post.at);
    while (window.length > 0 && (window[0] ?? 0) <= ms - HOUR_MS) window.shift();
    if (window.length >= limits.perHour) {
      verdicts.set(post.id, refused('rate-limit'));
      continue;
    }
    window.push(ms);
    open = open.filter((until) => until > ms);
    if (post.openUntilMs > ms && open.length >= limits.open) {
      verdicts.set(post.id, refused('open-limit'));
      continue;
    }
    if (post.openUntilMs > ms) open.push(post.openUntilMs);
    verdicts.set(post.id, ALLOWED);
  }
  return verdicts;
}
