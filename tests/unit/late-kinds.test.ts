/**
 * Issue 13, small first load: the kinds the list does not show (messages, moves, stock, claims,
 * draws, handovers, follow-ups, epochs) fold in a chunk loaded after the first paint. Whenever that
 * chunk arrives, every device must end with the same board as one that had it from the start:
 * records of late kinds are held meanwhile, go with a post that is erased or pruned, and are
 * judged with the authority of the moment they are folded.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKeys, seal } from '../../src/lib/crypto/seal.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { BoardView } from '../../src/lib/domain/fold/board-view.ts';
import { postOfLate } from '../../src/lib/domain/fold/held.ts';
import type { AuthorKey, PostId, RecordId, RoomId } from '../../src/lib/domain/ids.ts';
import type { SealedBox } from '../../src/lib/domain/kinds/message.ts';
import { isReadable, LATE_KINDS, type AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { lateKinds } from '../../src/lib/domain/late-kinds.ts';
import { committedOffer, HOUR, identity, MINUTE, postBody, sign, signPost, signUpdate, T0 } from './fixtures.ts';

const SEED = 'c'.repeat(64);
const ROOM = 'R'.repeat(22) as RoomId;

let people: Identity[];
let records: AnyRecord[];
let posts: PostId[];
let members: AuthorKey[];

/**
 * One square's worth of records touching every late kind and every rule they share with posts:
 * roles granted and revoked, a block, a hide, an erased post with messages and follow-ups, a
 * message waiting for a post that never comes, forged moves, epochs, draws and follow-ups.
 */
beforeAll(async () => {
  people = await Promise.all([1, 2, 3, 4, 5, 6].map(identity));
  const [founder, vera, ah, bo, cy, forger] = people as [Identity, Identity, Identity, Identity, Identity, Identity];
  members = people.map((p) => p.author);
  const keys = await generateSealingKeys();
  const box: SealedBox = await seal('{"text":"hello"}', [keys.publicKey], 'test');
  const need = await signPost(ah, postBody(), T0);
  const offer = await signPost(ah, postBody({ type: 'offer', items: [{ item: 'surgical-mask', qty: 4 }] }), T0 + 1);
  const erased = await signPost(bo, postBody({ urgency: 'urgent' }), T0 + 2);
  const hidden = await signPost(cy, postBody(), T0 + 3);
  posts = [need.id, offer.id, erased.id, hidden.id, 'post-never-arrives' as PostId];
  const stock = await sign(
    vera,
    'stock',
    committedOffer(SEED, {
      total: 20,
      slots: [{ point: 'Lobby B', start: T0 + HOUR, end: T0 + 2 * HOUR, capacity: 2 }],
      priority: ['elderly'],
    }),
    T0 - MINUTE,
  );
  const claim = (who: Identity, ms: number) =>
    sign(who, 'claim', { offer: stock.id, qty: 5, groups: [], slots: [0], delivery: false }, ms);
  const claims = [await claim(ah, T0 + 5 * MINUTE), await claim(bo, T0 + 6 * MINUTE), await claim(cy, T0 + 7 * MINUTE)];
  const listed = claims.map((c) => c.id).sort();
  records = [
    await sign(founder, 'role', { action: 'grant-volunteer', member: vera.author }, T0 - HOUR),
    await sign(founder, 'role', { action: 'revoke-volunteer', member: vera.author }, T0 + 2 * HOUR),
    await sign(vera, 'moderation', { action: 'block', member: forger.author, reason: 'abuse' }, T0 + 10),
    await sign(vera, 'moderation', { action: 'hide', post: hidden.id, reason: 'resale' }, T0 + 11),
    await sign(ah, 'profile', { name: 'Ah Mei', building: 'Block A' }, T0 - HOUR),
    await sign(bo, 'profile', { name: 'Bo', building: 'Block B' }, T0 - HOUR),
    need,
    offer,
    erased,
    hidden,
    await signPost(forger, postBody(), T0 + 4),
    await signUpdate(ah, need.id, 'progress', T0 + 20, 'a neighbour is on the way'),
    await signUpdate(ah, offer.id, 'resolve', T0 + 21),
    await signUpdate(bo, need.id, 'withdraw', T0 + 22),
    await sign(bo, 'erase', { post: erased.id }, T0 + HOUR),
    await sign(bo, 'message', { post: need.id, to: ah.author, box }, T0 + 30),
    await sign(ah, 'message', { post: need.id, to: bo.author, box }, T0 + 31),
    await sign(cy, 'message', { post: offer.id, to: ah.author, box }, T0 + 32),
    await sign(ah, 'message', { post: erased.id, to: bo.author, box }, T0 + 33),
    await sign(cy, 'message', { post: 'post-never-arrives' as PostId, to: ah.author, box }, T0 + 34),
    await sign(forger, 'message', { post: need.id, to: ah.author, box }, T0 + 35),
    await sign(vera, 'followup', { action: 'claim', post: need.id }, T0 + 40),
    await sign(vera, 'followup', { action: 'outcome', post: erased.id, outcome: 'helped' }, T0 + 41),
    await sign(vera, 'followup', { action: 'outcome', post: offer.id, outcome: 'done-by-others' }, T0 + 3 * HOUR),
    await sign(cy, 'followup', { action: 'claim', post: need.id }, T0 + 42),
    stock,
    ...claims,
    await sign(vera, 'draw', { offer: stock.id, seed: SEED, claims: listed }, T0 + 31 * MINUTE),
    await sign(forger, 'draw', { offer: stock.id, seed: 'd'.repeat(64), claims: listed }, T0 + 31 * MINUTE + 1),
    await sign(vera, 'handover', { claim: claims[0]!.id, action: 'collected' }, T0 + 70 * MINUTE),
    await sign(bo, 'handover', { claim: claims[1]!.id, action: 'declined' }, T0 + 71 * MINUTE),
    await sign(founder, 'move', { from: ROOM, box }, T0 + 4 * HOUR),
    await sign(forger, 'move', { from: ROOM, box }, T0 + 3 * HOUR),
    await sign(founder, 'epoch', { epoch: 1 }, T0 + 5 * HOUR),
    await sign(forger, 'epoch', { epoch: 9 }, T0 + 5 * HOUR),
  ];
});

/** Everything the board shows or judges by, as plain data. */
function state(view: BoardView, dropped: ReadonlySet<RecordId>): unknown {
  const ids = (list: Iterable<{ readonly id: RecordId }>) => [...list].map((r) => r.id).sort();
  return {
    shown: [...view.posts()].map((p) => [p.id, p.status, p.hidden?.reason ?? null]).sort(),
    held: [...view.postStates()].map((p) => [p.id, view.heldReason(p.id) ?? null]).sort(),
    erased: posts.filter((p) => view.isErased(p)),
    recordIdsOf: posts.map((p) => view.recordIdsOf(p).sort()),
    messages: members.map((m) => view.messagesWith(m).map((r) => r.id)),
    followups: posts.map((p) => view.followupsOf(p).map((r) => r.id)),
    followed: [...view.followedPosts()].sort(),
    stock: view.stockOffers().map((o) => ({
      draw: o.draw?.id ?? null,
      numbers: o.numbers,
      claims: o.claims.map((c) => [c.id, c.status, c.award?.qty ?? 0, c.position ?? 0]),
    })),
    moved: view.movedFrom(ROOM)?.id ?? null,
    epoch: view.epoch()?.id ?? null,
    waiting: ids(view.waiting()),
    rejected: view.rejectedCount,
    records: view.recordCount,
    dropped: [...dropped].sort(),
  };
}

type Step = { readonly add: readonly AnyRecord[] } | { readonly forget: readonly PostId[] } | { readonly extend: true };

/** Runs the steps on a fold; `extend` steps bring the late kinds (a fold that has them ignores it). */
function run(fold: BoardFold, steps: readonly Step[]): unknown {
  const dropped = new Set<RecordId>();
  for (const step of steps) {
    const change =
      'add' in step ? fold.add(step.add) : 'forget' in step ? fold.forget(step.forget) : fold.extend(lateKinds);
    for (const id of change.dropped) dropped.add(id);
  }
  return state(fold, dropped);
}

/** Random batches of the records in random order, some posts forgotten (pruned) between them. */
const scenarios = () =>
  fc
    .tuple(
      fc.shuffledSubarray(records),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.subarray(posts, { minLength: 1, maxLength: 2 })), { maxLength: 2 }),
      fc.nat(),
    )
    .map(([chosen, cuts, forgets, when]) => {
      const points = [...new Set(cuts.map((c) => c % (chosen.length + 1)))].sort((a, b) => a - b);
      const steps: Step[] = [];
      let from = 0;
      for (const point of [...points, chosen.length]) {
        steps.push({ add: chosen.slice(from, point) });
        from = point;
      }
      for (const [at, forget] of forgets) steps.splice(at % (steps.length + 1), 0, { forget });
      return { chosen, steps, when: when % (steps.length + 1) };
    });

describe('the late kinds', () => {
  it('are known by name before their chunk arrives, and readable once it has', () => {
    for (const kind of LATE_KINDS) expect(isReadable(kind)).toBe(true);
    expect(Object.keys(lateKinds.rules).sort()).toEqual([...LATE_KINDS].sort());
    expect([...lateKinds.fold(() => undefined).kinds].sort()).toEqual([...LATE_KINDS].sort());
  });

  it('are held, not judged, until they arrive: then the board is what it would have been', () => {
    const early = new BoardFold(people[0]!.author, undefined, null);
    early.add(records);
    expect(early.extended).toBe(false);
    expect(early.messagesWith(people[2]!.author)).toEqual([]);
    expect(early.stockOffers()).toEqual([]);
    expect(early.epoch()).toBeUndefined();
    // Held, not refused: nothing of theirs counts as invalid, and nothing is let go but an erased post's.
    const whole = new BoardFold(people[0]!.author);
    whole.add(records);
    expect(early.rejectedCount).toBeLessThan(whole.rejectedCount);
    expect(early.recordCount).toBe(whole.recordCount);
    const change = early.extend(lateKinds);
    expect(change.messages && change.stock && change.square).toBe(true);
    expect(state(early, new Set())).toEqual(state(whole, new Set()));
  });

  it('fold to the same board whenever they arrive: in one step, or after any batch, pruning or erasure', () => {
    fc.assert(
      fc.property(scenarios(), ({ steps, when }) => {
        const founder = people[0]!.author;
        const late = [...steps.slice(0, when), { extend: true } as const, ...steps.slice(when)];
        expect(run(new BoardFold(founder, undefined, null), late)).toEqual(run(new BoardFold(founder), steps));
      }),
      { numRuns: 300 },
    );
  });

  it('go with a post erased or pruned before they arrived, as they would have after', () => {
    const [need, , erased] = posts as [PostId, PostId, PostId];
    const about = (post: PostId) => records.filter((r) => postOfLate(r) === post).map((r) => r.id);
    const late = new BoardFold(people[0]!.author, undefined, null);
    // Erased: its messages and follow-ups are let go with it, held or not.
    const change = late.add(records);
    for (const id of about(erased)) expect(change.dropped.has(id)).toBe(true);
    // Pruned: retention finds the held ones among the post's records, and forgets them with it.
    expect(late.recordIdsOf(need)).toEqual(expect.arrayContaining(about(need)));
    late.forget([need]);
    expect(late.recordIdsOf(need)).toEqual([]);
    late.extend(lateKinds);
    expect(late.followupsOf(need)).toEqual([]);
    for (const member of members)
      expect(
        late.messagesWith(member).filter((r) => 'post' in r.body && (r.body.post === need || r.body.post === erased)),
      ).toEqual([]);
  });
});
