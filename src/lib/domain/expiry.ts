import type { PostState } from './fold/post-state.ts';
import type { Urgency } from './kinds/post.ts';

const HOUR = 3_600_000;

/** How long a post stays open without being renewed. */
export const EXPIRY_MS: Readonly<Record<Urgency, number>> = {
  urgent: 24 * HOUR,
  soon: 3 * 24 * HOUR,
  stocking: 7 * 24 * HOUR,
};

export type DisplayStatus = 'open' | 'expired' | 'resolved' | 'withdrawn';

/** When an open post stops being shown as open. */
export function expiresAtMs(post: PostState): number {
  return post.activeSinceMs + EXPIRY_MS[post.body.urgency];
}

/** The status a resident sees at a given moment, expiry included. */
export function displayStatus(post: PostState, nowMs: number): DisplayStatus {
  if (post.status !== 'open') return post.status;
  return nowMs >= expiresAtMs(post) ? 'expired' : 'open';
}

/** The author should be asked "Still needed?" once the post has expired or is about to. */
export function needsRenewal(post: PostState, nowMs: number): boolean {
  if (post.status !== 'open') return false;
  const remaining = expiresAtMs(post) - nowMs;
  return remaining <= EXPIRY_MS[post.body.urgency] / 8;
}

/**
 * An urgent post about to close: its author is told before it goes, not after, while the
 * "Still needed?" window (needsRenewal) is open and the post has not expired yet.
 */
export function urgentExpiresSoon(post: PostState, nowMs: number): boolean {
  return post.body.urgency === 'urgent' && needsRenewal(post, nowMs) && nowMs < expiresAtMs(post);
}

/** When a post closed: resolved or withdrawn at its last update, or expired at its expiry. */
export function closedAtMs(post: PostState, nowMs: number): number | null {
  switch (displayStatus(post, nowMs)) {
    case 'open':
      return null;
    case 'expired':
      return expiresAtMs(post);
    default:
      return post.lastActivityMs;
  }
}
