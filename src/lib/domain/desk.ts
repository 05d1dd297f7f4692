import { EXPIRY_MS, expiresAtMs } from './expiry.ts';
import type { FollowupRecord } from './fold/followups.ts';
import { byTimeThenId } from './fold/order.ts';
import type { PostState } from './fold/post-state.ts';
import { hlcMs } from './hlc.ts';
import type { Authority } from './authority.ts';
import type { AuthorKey, PostId, RecordId, SealKey } from './ids.ts';
import { DESK_LIMITS, type DeferReason, type DeskOutcome } from './kinds/followup.ts';

const HOUR_MS = 3_600_000;

/** When posts come to the desk. */
export const DESK_TIMING = {
  /** An urgent need with no progress from its author for this long is quiet. */
  quietMs: 6 * HOUR_MS,
  /** A "Still needed?" its author has not answered for this long goes to the desk. */
  nudgeUnansweredMs: 3 * HOUR_MS,
  /** How long after its expiry a need stays on the desk, so the desk does not fill with old posts. */
  afterExpiryMs: 48 * HOUR_MS,
} as const;

/** Claims every device holds volunteers to, judged over all their claims (`countedClaims`). */
export const CLAIM_LIMITS = {
  /** Posts one volunteer may be following up at once. */
  perVolunteer: 3,
  /** A claim lapses after this long, so a post nobody finished goes back to the desk. */
  lapseMs: 3 * HOUR_MS,
} as const;

/** Characters of a volunteer note's text, checked when it is written and when it is opened. */
export const NOTE_TEXT_MAX = 1000;

/** What a note's box is bound to (AES-GCM additional data): its post and writer. */
export function noteBinding(post: string, author: string): string {
  return `kaifong desk note v1|${post}|${author}`;
}

/** Why a need is on the desk. */
export type DeskReason = 'quiet' | 'unanswered';

/** A volunteer's claim on a post: who follows it up, and until when unless released. */
export interface Claim {
  readonly by: AuthorKey;
  readonly atMs: number;
  readonly untilMs: number;
}

/** The desk's state of one post at a moment, from its follow-ups that count. */
export interface PostDesk {
  /** The claim in force now, if any. */
  readonly claim: Claim | null;
  /** The latest outcome, whoever recorded it. */
  readonly outcome: { readonly code: DeskOutcome; readonly by: AuthorKey; readonly atMs: number } | null;
  /** A deferral in force now, if any. */
  readonly deferred: { readonly reason: DeferReason; readonly untilMs: number; readonly by: AuthorKey } | null;
  /** Sealed notes, oldest first. */
  readonly notes: readonly FollowupRecord[];
}

export const EMPTY_DESK: PostDesk = { claim: null, outcome: null, deferred: null, notes: [] };

/** Whether an outcome closes a need: all but "unreachable", until its author renews the post. */
export function closesNeed(desk: PostDesk, post: PostState): boolean {
  const outcome = desk.outcome;
  return outcome !== null && outcome.code !== 'unreachable' && outcome.atMs >= post.activeSinceMs;
}

/** When a claim ends: it lapses, its volunteer releases it, or anyone records an outcome. */
function claimEndMs(claim: FollowupRecord, records: readonly FollowupRecord[]): number {
  const at = hlcMs(claim.at);
  let end = at + CLAIM_LIMITS.lapseMs;
  for (const r of records) {
    const ms = hlcMs(r.at);
    if (r.at <= claim.at || ms >= end) continue;
    if (r.body.action === 'outcome' || (r.body.action === 'release' && r.author === claim.author)) end = ms;
  }
  return end;
}

/**
 * The claims that count, over every post's follow-ups: each volunteer's claims in time order, a
 * claim counting while fewer than CLAIM_LIMITS.perVolunteer of their counted claims are in
 * force at its time. Depends only on the set of records, so every device agrees.
 */
export function countedClaims(followups: Iterable<readonly FollowupRecord[]>): Map<RecordId, Claim> {
  const byAuthor = new Map<AuthorKey, { record: FollowupRecord; endMs: number }[]>();
  for (const records of followups) {
    for (const record of records) {
      if (record.body.action !== 'claim') continue;
      const list = byAuthor.get(record.author) ?? [];
      list.push({ record, endMs: claimEndMs(record, records) });
      byAuthor.set(record.author, list);
    }
  }
  const counted = new Map<RecordId, Claim>();
  for (const [by, claims] of byAuthor) {
    claims.sort((a, b) => byTimeThenId(a.record, b.record));
    const inForce: number[] = [];
    for (const { record, endMs } of claims) {
      const atMs = hlcMs(record.at);
      const live = inForce.filter((end) => end > atMs);
      inForce.splice(0, inForce.length, ...live);
      if (inForce.length >= CLAIM_LIMITS.perVolunteer) continue;
      inForce.push(endMs);
      counted.set(record.id, { by, atMs, untilMs: endMs });
    }
  }
  return counted;
}

/** One post's desk state at `nowMs`, from its follow-ups (oldest first) and the claims that count. */
export function postDesk(
  records: readonly FollowupRecord[],
  claims: ReadonlyMap<RecordId, Claim>,
  nowMs: number,
): PostDesk {
  let claim: Claim | null = null;
  let outcome: PostDesk['outcome'] = null;
  let deferred: PostDesk['deferred'] = null;
  const notes: FollowupRecord[] = [];
  for (const r of records) {
    const body = r.body;
    const atMs = hlcMs(r.at);
    if (body.action === 'claim') {
      const counted = claims.get(r.id);
      if (counted && counted.untilMs > nowMs) claim = counted;
    } else if (body.action === 'outcome') outcome = { code: body.outcome, by: r.author, atMs };
    else if (body.action === 'defer')
      deferred = body.until > nowMs ? { reason: body.reason, untilMs: body.until, by: r.author } : null;
    else if (body.action === 'note') notes.push(r);
  }
  return { claim, outcome, deferred, notes };
}

/** A need on the desk. */
export interface DeskItem {
  readonly post: PostState;
  readonly reason: DeskReason;
  /** Since when it has been quiet, or its "Still needed?" unanswered. */
  readonly sinceMs: number;
  readonly desk: PostDesk;
}

/** What the desk shows: needs waiting for a volunteer, and needs deferred until a time. */
export interface DeskQueue {
  readonly due: readonly DeskItem[];
  readonly deferred: readonly DeskItem[];
}

/** Why an open need is on the desk at `nowMs`, and since when; null if it is not. */
export function deskReason(
  post: PostState,
  nowMs: number,
  quietMs: number = DESK_TIMING.quietMs,
): { reason: DeskReason; sinceMs: number } | null {
  if (post.body.type !== 'need' || post.status !== 'open' || post.hidden) return null;
  const expires = expiresAtMs(post);
  if (nowMs >= expires + DESK_TIMING.afterExpiryMs) return null;
  if (post.body.urgency === 'urgent' && nowMs - post.lastActivityMs >= quietMs)
    return { reason: 'quiet', sinceMs: post.lastActivityMs };
  // The author is asked "Still needed?" from an eighth of its life before expiry (domain/expiry.ts).
  const nudgeMs = expires - EXPIRY_MS[post.body.urgency] / 8;
  if (nowMs >= nudgeMs + DESK_TIMING.nudgeUnansweredMs) return { reason: 'unanswered', sinceMs: nudgeMs };
  return null;
}

/**
 * The desk at `nowMs`: open needs that went quiet (urgent, no progress for `quietMs`) or whose
 * "Still needed?" went unanswered, unless an outcome closed them; needs for vulnerable people
 * first, then the oldest first. Deferred needs wait in their own list until their time.
 */
export function deskQueue(
  posts: Iterable<PostState>,
  deskOf: (post: PostId) => PostDesk,
  nowMs: number,
  quietMs: number = DESK_TIMING.quietMs,
): DeskQueue {
  const due: DeskItem[] = [];
  const deferred: DeskItem[] = [];
  for (const post of posts) {
    const why = deskReason(post, nowMs, quietMs);
    if (!why) continue;
    const desk = deskOf(post.id);
    if (closesNeed(desk, post)) continue;
    (desk.deferred ? deferred : due).push({ post, ...why, desk });
  }
  return {
    due: due.sort(deskOrder),
    deferred: deferred.sort((a, b) => (a.desk.deferred?.untilMs ?? 0) - (b.desk.deferred?.untilMs ?? 0)),
  };
}

function deskOrder(a: DeskItem, b: DeskItem): number {
  const vulnerable = Number(b.post.body.groups.length > 0) - Number(a.post.body.groups.length > 0);
  if (vulnerable !== 0) return vulnerable;
  if (a.post.activeSinceMs !== b.post.activeSinceMs) return a.post.activeSinceMs - b.post.activeSinceMs;
  return a.post.id < b.post.id ? -1 : 1;
}

/** A post's status as a forwarded link or a screenshot must tell it: still open, or closed and since when. */
export type LiveStatus =
  | { readonly kind: 'open'; readonly sinceMs: number }
  | { readonly kind: 'expired' | 'resolved' | 'withdrawn'; readonly sinceMs: number }
  | { readonly kind: 'outcome'; readonly outcome: DeskOutcome; readonly sinceMs: number };

/** What a post's own link shows of it at `nowMs`: its author's closing first, then a volunteer's outcome. */
export function liveStatus(post: PostState, desk: PostDesk, nowMs: number): LiveStatus {
  if (post.status !== 'open') return { kind: post.status, sinceMs: post.lastActivityMs };
  if (closesNeed(desk, post) && desk.outcome)
    return { kind: 'outcome', outcome: desk.outcome.code, sinceMs: desk.outcome.atMs };
  const expires = expiresAtMs(post);
  if (nowMs >= expires) return { kind: 'expired', sinceMs: expires };
  return { kind: 'open', sinceMs: post.activeSinceMs };
}

/**
 * Who a volunteer note is sealed to: its writer first, then every volunteer and the founder whose
 * profile has an encryption key (never a blocked key), at most DESK_LIMITS.noteReaders.
 */
export function noteReaders(
  mine: SealKey,
  members: readonly { readonly author: AuthorKey; readonly profile: { readonly seal?: SealKey | undefined } }[],
  authority: Authority,
): SealKey[] {
  const readers = new Set<SealKey>([mine]);
  for (const { author, profile } of members)
    if (profile.seal && authority.canModerate(author) && !authority.isBlocked(author)) readers.add(profile.seal);
  return [...readers].slice(0, DESK_LIMITS.noteReaders);
}
