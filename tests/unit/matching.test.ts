/** Matching needs with offers and stock: the same item, open, not one's own, nearest first. */
import { describe, expect, it } from 'vitest';
import type { PostState } from '../../src/lib/domain/fold/post-state.ts';
import type { LngLat } from '../../src/lib/domain/geo.ts';
import type { OfferState } from '../../src/lib/domain/fold/stock.ts';
import type { AuthorKey, PostId, RecordId } from '../../src/lib/domain/ids.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import type { StockBody } from '../../src/lib/domain/kinds/stock.ts';
import {
  matchesFor,
  matchIndex,
  matchNotices,
  noticeKey,
  stockIsOpen,
  type Match,
} from '../../src/lib/domain/matching.ts';
import { buildingCentres, pickupPoints } from '../../src/lib/domain/places.ts';
import { hlc, postBody, postState, T0 } from './fixtures.ts';

const at = (east: number): LngLat => [Number((114.17 + east / 102_900).toFixed(7)), 22.3];
const square = (name: string, east: number) => ({
  name,
  ring: [at(east), at(east + 10), [at(east + 10)[0], 22.3001] as LngLat, [at(east)[0], 22.3001] as LngLat],
});
const SITE = {
  buildings: [square('Block 1', 0), square('Block 2', 100), square('Block 3', 500)],
  points: [
    { name: 'Lobby 1', at: at(0) },
    { name: 'Gate', at: at(300) },
  ],
};
const CENTRES = { centres: buildingCentres(SITE), points: pickupPoints(SITE) };

let n = 0;
const post = (body: Partial<PostBody>, building: string, minutes = 0, status: PostState['status'] = 'open') =>
  postState({
    author: `ed25519:author${++n}` as AuthorKey,
    at: hlc(T0 + minutes * 60_000),
    activeSinceMs: T0 + minutes * 60_000,
    status,
    body: postBody({ ...body, where: { building, floor: '' } }),
  });
const offerOf = (item: PostBody['items'][number]['item'], building: string, minutes = 0) =>
  post({ type: 'offer', items: [{ item, qty: 1 }] }, building, minutes);
const ids = (matches: Match[]) => matches.map((m) => m.id);
const NOW = T0 + 60 * 60_000;
const stock = (
  item: StockBody['item'],
  points: string[],
  window: { opens: number; closes: number } = { opens: T0, closes: NOW + 60_000 },
  left = 10,
): OfferState => ({
  id: `stock${++n}` as RecordId,
  author: `ed25519:organiser${n}` as AuthorKey,
  at: hlc(window.opens),
  body: {
    item,
    total: 10,
    perHousehold: 1,
    rollingHours: 24,
    ...window,
    slots: points.map((point) => ({ point, start: window.closes, end: window.closes + 60_000, capacity: 10 })),
    delivery: 0,
    priority: [],
    commit: '0'.repeat(64),
  },
  draw: undefined,
  claims: [],
  numbers: { claims: 0, winners: 0, collected: 0, left },
});

describe('matching', () => {
  const need = post({ items: [{ item: 'thermometer', qty: 1 }] }, 'Block 1');
  const far = offerOf('thermometer', 'Block 3');
  const near = offerOf('thermometer', 'Block 2');
  const nowhere = offerOf('thermometer', 'Somewhere else');
  const other = offerOf('paracetamol-500', 'Block 1');
  const closed = post({ type: 'offer', items: [{ item: 'thermometer', qty: 1 }] }, 'Block 1', 0, 'resolved');
  const swap = post(
    { type: 'swap', items: [{ item: 'thermometer', qty: 1 }], wants: [{ item: 'antigen-test', qty: 2 }] },
    'Block 1',
    5,
  );
  const all = [need, far, near, nowhere, other, closed, swap];
  const index = matchIndex(all, (p) => p.status === 'open', [], NOW);

  it('finds open offers and swaps of the same item for a need, nearest first, unknown places last', () => {
    expect(ids(matchesFor(need, index, CENTRES))).toEqual([swap.id, near.id, far.id, nowhere.id]);
    expect(matchesFor(need, index, CENTRES)[1]?.distanceM).toBeCloseTo(100, -1);
  });

  it('finds the needs for an offer, and what a swap wants', () => {
    expect(ids(matchesFor(near, index, CENTRES))).toEqual([need.id]);
    const antigenNeed = post({ items: [{ item: 'antigen-test', qty: 2 }] }, 'Block 2');
    const antigenOffer = offerOf('antigen-test', 'Block 3');
    const withMore = matchIndex([...all, antigenNeed, antigenOffer], (p) => p.status === 'open', [], NOW);
    expect(ids(matchesFor(swap, withMore, CENTRES))).toEqual([need.id, antigenOffer.id]);
  });

  it('never matches a resident’s own posts, and names "other" items by their description', () => {
    const mine = { ...offerOf('thermometer', 'Block 1'), author: need.author };
    const a = post({ items: [{ item: 'other', qty: 1, text: 'Baby formula' }] }, 'Block 1');
    const b = post({ type: 'offer', items: [{ item: 'other', qty: 1, text: 'baby formula' }] }, 'Block 2');
    const c = post({ type: 'offer', items: [{ item: 'other', qty: 1, text: 'nappies' }] }, 'Block 2');
    const idx = matchIndex([need, mine, a, b, c], () => true, [], NOW);
    expect(ids(matchesFor(need, idx, CENTRES))).toEqual([]);
    expect(ids(matchesFor(a, idx, CENTRES))).toEqual([b.id]);
  });

  it('breaks ties between equally near offers by the newest', () => {
    const first = offerOf('thermometer', 'Block 2', 1);
    const second = offerOf('thermometer', 'Block 2', 2);
    const idx = matchIndex([need, first, second], () => true, [], NOW);
    expect(ids(matchesFor(need, idx, CENTRES))).toEqual([second.id, first.id]);
  });

  it('counts open stock offers of the item among a need’s matches, nearest pickup point first, unplaced after the placed', () => {
    const atGate = stock('thermometer', ['Gate']);
    const atLobby = stock('thermometer', ['Somewhere', 'Lobby 1']);
    const unplaced = stock('thermometer', ['Car park']);
    const otherItem = stock('paracetamol-500', ['Lobby 1']);
    const idx = matchIndex([need, near, far], () => true, [atGate, unplaced, atLobby, otherItem], NOW);
    const found = matchesFor(need, idx, CENTRES);
    expect(ids(found)).toEqual([atLobby.id, near.id, atGate.id, far.id, unplaced.id]);
    expect(found[0]).toMatchObject({ kind: 'stock', point: 'Lobby 1' });
    expect(found[2]?.distanceM).toBeCloseTo(295, -1);
    expect(found[4]).toMatchObject({ kind: 'stock', point: undefined, distanceM: undefined });
    expect(ids(matchesFor(near, idx, CENTRES))).toEqual([need.id]);
  });

  it('drops stock once its window closed and nothing is left in hand, and never the organiser’s own need', () => {
    const closedLeft = stock('thermometer', ['Gate'], { opens: T0 - 120_000, closes: T0 - 60_000 }, 3);
    const closedEmpty = stock('thermometer', ['Gate'], { opens: T0 - 120_000, closes: T0 - 60_000 }, 0);
    const upcoming = stock('thermometer', ['Gate'], { opens: NOW + 60_000, closes: NOW + 120_000 }, 0);
    expect([closedLeft, closedEmpty, upcoming].map((o) => stockIsOpen(o, NOW))).toEqual([true, false, true]);
    const mine = { ...stock('thermometer', ['Gate']), author: need.author };
    const idx = matchIndex([need], () => true, [closedLeft, closedEmpty, upcoming, mine], NOW);
    expect(ids(matchesFor(need, idx, CENTRES)).sort()).toEqual([closedLeft.id, upcoming.id].sort());
  });
});

describe('match notifications', () => {
  const me = 'ed25519:me' as AuthorKey;
  const mine = { ...post({ items: [{ item: 'thermometer', qty: 1 }] }, 'Block 1'), author: me };
  const mySwap = {
    ...post(
      { type: 'swap', items: [{ item: 'antigen-test', qty: 1 }], wants: [{ item: 'thermometer', qty: 1 }] },
      'Block 1',
    ),
    author: me,
  };
  const myClosed = { ...post({ items: [{ item: 'thermometer', qty: 1 }] }, 'Block 1', 0, 'resolved'), author: me };
  const theirs = post({ items: [{ item: 'thermometer', qty: 1 }] }, 'Block 2');
  const old = offerOf('thermometer', 'Block 2');
  const arrived = offerOf('thermometer', 'Block 3');
  const offered = stock('thermometer', ['Gate']);
  const isOpen = (p: PostState) => p.status === 'open';
  const notices = (posts: PostState[], atLoad: PostState[], notified: ReadonlySet<string> = new Set()) => {
    const idx = matchIndex(posts, isOpen, [offered], NOW);
    const loaded = new Set<PostId>(atLoad.map((p) => p.id));
    return matchNotices(me, posts, isOpen, (p) => matchesFor(p, idx, CENTRES), loaded, notified);
  };

  it('raises nothing for what the initial load holds', () => {
    const all = [mine, theirs, old];
    expect(notices(all, all)).toEqual([]);
  });

  it('raises one per open post of mine that a newly arrived post matches, never for others’ or closed posts, nor for stock', () => {
    const all = [mine, mySwap, myClosed, theirs, old, arrived];
    expect(notices(all, [mine, mySwap, myClosed, theirs, old])).toEqual([
      { mine: mine.id, match: arrived.id },
      { mine: mySwap.id, match: arrived.id },
    ]);
  });

  it('raises each (my post, matching post) at most once', () => {
    const all = [mine, theirs, old, arrived];
    const first = notices(all, [mine, theirs, old]);
    expect(first).toHaveLength(1);
    expect(notices(all, [mine, theirs, old], new Set(first.map(noticeKey)))).toEqual([]);
  });
});
