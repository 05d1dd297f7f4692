/** The volunteer desk: who may follow up (judged in the fold), quiet and unanswered needs, claims, deferrals. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import {
  CLAIM_LIMITS,
  countedClaims,
  deskQueue,
  DESK_TIMING,
  EMPTY_DESK,
  liveStatus,
  noteReaders,
  postDesk,
  type PostDesk,
} from '../../src/lib/domain/desk.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import { trustAuthority } from '../../src/lib/domain/authority.ts';
import type { AuthorKey, PostId, SealKey } from '../../src/lib/domain/ids.ts';
import { DESK_LIMITS, type FollowupBody } from '../../src/lib/domain/kinds/followup.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { HOUR, identity, MINUTE, postBody, sign, signPost, signUpdate, T0 } from './fixtures.ts';

let founder: Identity;
let vera: Identity;
let victor: Identity;
let alice: Identity;
let mallory: Identity;

beforeAll(async () => {
  [founder, vera, victor, alice, mallory] = await Promise.all([
    identity(1),
    identity(2),
    identity(3),
    identity(4),
    identity(5),
  ]);
});

const urgentNeed = (overrides = {}) => postBody({ urgency: 'urgent', ...overrides });
const grant = (who: Identity, ms = T0 - HOUR) =>
  sign(founder, 'role', { action: 'grant-volunteer', member: who.author }, ms);
const followup = (who: Identity, body: FollowupBody, ms: number, counter = 0) =>
  sign(who, 'followup', body, ms, counter);

function fold(...records: AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

/** The desk as a volunteer's device computes it at `nowMs`. */
function desk(f: BoardFold, nowMs: number) {
  const posts = [...f.followedPosts()];
  const claims = countedClaims(posts.map((p) => f.followupsOf(p)));
  const deskOf = (id: PostId): PostDesk => postDesk(f.followupsOf(id), claims, nowMs);
  return { queue: deskQueue(f.posts(), deskOf, nowMs), deskOf };
}

describe('who may follow up, judged when folding', () => {
  it('counts a volunteer’s and the founder’s follow-ups, and ignores a resident’s forged outcome', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const forged = await followup(
      mallory,
      { action: 'outcome', post: need.id, outcome: 'no-longer-needed' },
      T0 + MINUTE,
    );
    const f = fold(await grant(vera), need, forged);
    expect(f.followupsOf(need.id)).toEqual([]);
    expect(f.rejectedCount).toBeGreaterThan(0);
    const real = await followup(vera, { action: 'outcome', post: need.id, outcome: 'done-by-others' }, T0 + 2 * MINUTE);
    const byFounder = await followup(founder, { action: 'claim', post: need.id }, T0 + 3 * MINUTE);
    f.add([real, byFounder]);
    expect(f.followupsOf(need.id).map((r) => r.id)).toEqual([real.id, byFounder.id]);
  });

  it('stops counting a volunteer’s follow-ups once the role is revoked, and whatever the arrival order', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const outcome = await followup(vera, { action: 'outcome', post: need.id, outcome: 'helped' }, T0 + HOUR);
    const revoke = await sign(founder, 'role', { action: 'revoke-volunteer', member: vera.author }, T0 + 2 * HOUR);
    const records = [await grant(vera), need, outcome];
    expect(fold(...records).followupsOf(need.id)).toHaveLength(1);
    expect(fold(...[...records].reverse()).followupsOf(need.id)).toHaveLength(1);
    expect(fold(...records, revoke).followupsOf(need.id)).toEqual([]);
  });

  it('refuses a deferral into the past or beyond a week', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const past = await followup(vera, { action: 'defer', post: need.id, reason: 'night', until: T0 }, T0 + HOUR);
    const far = await followup(
      vera,
      { action: 'defer', post: need.id, reason: 'night', until: T0 + HOUR + DESK_LIMITS.deferMaxMs + 1 },
      T0 + HOUR,
    );
    expect(fold(await grant(vera), need, past, far).followupsOf(need.id)).toEqual([]);
  });

  it('drops a post’s follow-ups when its author erases it', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const claim = await followup(vera, { action: 'claim', post: need.id }, T0 + HOUR);
    const f = fold(await grant(vera), need, claim);
    expect(f.recordIdsOf(need.id)).toContain(claim.id);
    const change = f.add([await sign(alice, 'erase', { post: need.id }, T0 + 2 * HOUR)]);
    expect(change.dropped).toContain(claim.id);
    expect(f.followupsOf(need.id)).toEqual([]);
  });
});

describe('the desk', () => {
  it('lists an urgent need once it has been quiet for 6 hours, not before, and not an offer or a resolved need', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const offer = await signPost(
      victor,
      postBody({ type: 'offer', urgency: 'urgent', items: [{ item: 'thermometer', qty: 1 }] }),
      T0,
    );
    const solved = await signPost(mallory, urgentNeed({ items: [{ item: 'thermometer', qty: 1 }] }), T0);
    const f = fold(need, offer, solved, await signUpdate(mallory, solved.id, 'resolve', T0 + HOUR));
    expect(desk(f, T0 + DESK_TIMING.quietMs - MINUTE).queue.due).toEqual([]);
    const due = desk(f, T0 + DESK_TIMING.quietMs).queue.due;
    expect(due.map((item) => [item.post.id, item.reason])).toEqual([[need.id, 'quiet']]);
  });

  it('counts quiet from the author’s last progress', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const f = fold(need, await signUpdate(alice, need.id, 'progress', T0 + 4 * HOUR, 'a neighbour is asking around'));
    expect(desk(f, T0 + 7 * HOUR).queue.due).toEqual([]);
    expect(desk(f, T0 + 10 * HOUR).queue.due).toHaveLength(1);
  });

  it('puts needs for vulnerable people first, then the oldest first', async () => {
    const older = await signPost(alice, urgentNeed(), T0);
    const newer = await signPost(victor, urgentNeed(), T0 + HOUR);
    const child = await signPost(mallory, urgentNeed({ groups: ['child'] }), T0 + 2 * HOUR);
    const due = desk(fold(newer, child, older), T0 + 12 * HOUR).queue.due;
    expect(due.map((item) => item.post.id)).toEqual([child.id, older.id, newer.id]);
  });

  it('takes a "Still needed?" its author has not answered for 3 hours, for needs of any urgency', async () => {
    const need = await signPost(alice, postBody({ urgency: 'soon' }), T0);
    // A "soon" need lives 3 days and is nudged from 9 hours before its expiry.
    const nudgeMs = T0 + 72 * HOUR - 9 * HOUR;
    const f = fold(need);
    expect(desk(f, nudgeMs + 2 * HOUR).queue.due).toEqual([]);
    expect(desk(f, nudgeMs + 3 * HOUR).queue.due.map((i) => i.reason)).toEqual(['unanswered']);
    // Renewing answers it.
    f.add([await signUpdate(alice, need.id, 'renew', nudgeMs + 4 * HOUR)]);
    expect(desk(f, nudgeMs + 5 * HOUR).queue.due).toEqual([]);
  });

  it('shows a claim to every volunteer, and gives the need back when released or after 3 hours', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const claimAt = T0 + 7 * HOUR;
    const f = fold(await grant(vera), need, await followup(vera, { action: 'claim', post: need.id }, claimAt));
    const [item] = desk(f, claimAt + HOUR).queue.due;
    expect(item?.desk.claim).toMatchObject({ by: vera.author, untilMs: claimAt + CLAIM_LIMITS.lapseMs });
    expect(desk(f, claimAt + CLAIM_LIMITS.lapseMs).queue.due[0]?.desk.claim).toBeNull();
    f.add([await followup(vera, { action: 'release', post: need.id }, claimAt + 30 * MINUTE)]);
    expect(desk(f, claimAt + HOUR).queue.due[0]?.desk.claim).toBeNull();
  });

  it('lets a volunteer hold at most 3 claims at once; a fourth counts once one ended', async () => {
    const needs = await Promise.all([0, 1, 2, 3].map((i) => signPost(alice, urgentNeed({ note: `n${i}` }), T0 + i)));
    const claims = await Promise.all(
      needs.map((n, i) => followup(vera, { action: 'claim', post: n.id }, T0 + 7 * HOUR + i * MINUTE)),
    );
    // Vouched for, so Alice may have more than 3 open posts.
    const vouch = await sign(founder, 'vouch', { member: alice.author }, T0 - HOUR);
    const f = fold(await grant(vera), vouch, ...needs, ...claims);
    const { deskOf } = desk(f, T0 + 7 * HOUR + 10 * MINUTE);
    expect(needs.map((n) => deskOf(n.id).claim !== null)).toEqual([true, true, true, false]);
    // The first released before the fourth: the fourth counts.
    f.add([await followup(vera, { action: 'release', post: needs[0]!.id }, T0 + 7 * HOUR + 2 * MINUTE)]);
    const after = desk(f, T0 + 7 * HOUR + 10 * MINUTE).deskOf;
    expect(needs.map((n) => after(n.id).claim !== null)).toEqual([false, true, true, true]);
  });

  it('takes a need off the desk on a closing outcome, keeps it on "unreachable", and brings it back on renewal', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const f = fold(await grant(vera), need);
    f.add([await followup(vera, { action: 'outcome', post: need.id, outcome: 'unreachable' }, T0 + 7 * HOUR)]);
    expect(desk(f, T0 + 8 * HOUR).queue.due[0]?.desk.outcome?.code).toBe('unreachable');
    f.add([await followup(vera, { action: 'outcome', post: need.id, outcome: 'done-by-others' }, T0 + 8 * HOUR)]);
    expect(desk(f, T0 + 9 * HOUR).queue.due).toEqual([]);
    f.add([await signUpdate(alice, need.id, 'renew', T0 + 10 * HOUR)]);
    expect(desk(f, T0 + 17 * HOUR).queue.due).toHaveLength(1);
  });

  it('holds a deferred need in its own list until its time', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const until = T0 + 10 * HOUR;
    const f = fold(
      await grant(vera),
      need,
      await followup(vera, { action: 'defer', post: need.id, reason: 'awaiting-reply', until }, T0 + 7 * HOUR),
    );
    const before = desk(f, until - MINUTE).queue;
    expect(before.due).toEqual([]);
    expect(before.deferred[0]?.desk.deferred).toMatchObject({ reason: 'awaiting-reply', untilMs: until });
    expect(desk(f, until).queue.due).toHaveLength(1);
  });

  it('has nothing to say about a post nobody followed up', () => {
    expect(postDesk([], new Map(), T0)).toEqual(EMPTY_DESK);
  });
});

describe('who reads a volunteer note, and what a post’s link says', () => {
  const key = (n: number) => `x25519:${String(n).repeat(43).slice(0, 43)}` as SealKey;
  const who = (name: string) => `ed25519:${name}` as AuthorKey;

  it('seals a note to its writer, then every volunteer and the founder with a key; never a resident or a blocked key', () => {
    const authority = trustAuthority({
      founder: who('founder'),
      volunteers: new Set([who('vera'), who('victor'), who('blocked')]),
      vouched: new Set([who('alice')]),
      blocked: new Set([who('blocked')]),
      hidden: new Map(),
    });
    const members = [
      { author: who('alice'), profile: { seal: key(1) } },
      { author: who('founder'), profile: { seal: key(2) } },
      { author: who('vera'), profile: { seal: key(3) } },
      { author: who('victor'), profile: {} },
      { author: who('blocked'), profile: { seal: key(5) } },
    ];
    expect(noteReaders(key(3), members, authority)).toEqual([key(3), key(2)]);
  });

  it('says resolved, withdrawn or expired since when, and a volunteer’s closing outcome', async () => {
    const need = await signPost(alice, urgentNeed(), T0);
    const f = fold(await grant(vera), need);
    const view = () => f.post(need.id)!;
    const deskNow = (ms: number) => desk(f, ms).deskOf(need.id);
    expect(liveStatus(view(), deskNow(T0 + HOUR), T0 + HOUR)).toEqual({ kind: 'open', sinceMs: T0 });
    expect(liveStatus(view(), deskNow(T0 + 25 * HOUR), T0 + 25 * HOUR)).toEqual({
      kind: 'expired',
      sinceMs: T0 + 24 * HOUR,
    });
    f.add([await followup(vera, { action: 'outcome', post: need.id, outcome: 'done-by-others' }, T0 + 2 * HOUR)]);
    expect(liveStatus(view(), deskNow(T0 + 3 * HOUR), T0 + 3 * HOUR)).toEqual({
      kind: 'outcome',
      outcome: 'done-by-others',
      sinceMs: T0 + 2 * HOUR,
    });
    f.add([await signUpdate(alice, need.id, 'resolve', T0 + 4 * HOUR)]);
    expect(liveStatus(view(), deskNow(T0 + 5 * HOUR), T0 + 5 * HOUR)).toEqual({
      kind: 'resolved',
      sinceMs: T0 + 4 * HOUR,
    });
  });
});
