/** Matching needs with offers: the same item, open, not one's own, nearest building first. */
import { describe, expect, it } from 'vitest';
import type { PostState } from '../../src/lib/domain/fold/posts.ts';
import type { LngLat } from '../../src/lib/domain/geo.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import { matchesFor, matchIndex } from '../../src/lib/domain/matching.ts';
import { buildingCentres } from '../../src/lib/domain/places.ts';
import { hlc, postBody, postState, T0 } from './fixtures.ts';

const at = (east: number): LngLat => [Number((114.17 + east / 102_900).toFixed(7)), 22.3];
const square = (name: string, east: number) => ({
  name,
  ring: [at(east), at(east + 10), [at(east + 10)[0], 22.3001] as LngLat, [at(east)[0], 22.3001] as LngLat],
});
const CENTRES = buildingCentres({
  buildings: [square('Block 1', 0), square('Block 2', 100), square('Block 3', 500)],
  points: [],
});

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
const ids = (matches: { post: PostState }[]) => matches.map((m) => m.post.id);

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
  const index = matchIndex(all, (p) => p.status === 'open');

  it('finds open offers and swaps of the same item for a need, nearest first, unknown places last', () => {
    expect(ids(matchesFor(need, index, CENTRES))).toEqual([swap.id, near.id, far.id, nowhere.id]);
    expect(matchesFor(need, index, CENTRES)[1]?.distanceM).toBeCloseTo(100, -1);
  });

  it('finds the needs for an offer, and what a swap wants', () => {
    expect(ids(matchesFor(near, index, CENTRES))).toEqual([need.id]);
    const antigenNeed = post({ items: [{ item: 'antigen-test', qty: 2 }] }, 'Block 2');
    const antigenOffer = offerOf('antigen-test', 'Block 3');
    const withMore = matchIndex([...all, antigenNeed, antigenOffer], (p) => p.status === 'open');
    expect(ids(matchesFor(swap, withMore, CENTRES))).toEqual([need.id, antigenOffer.id]);
  });

  it('never matches a resident’s own posts, and names "other" items by their description', () => {
    const mine = { ...offerOf('thermometer', 'Block 1'), author: need.author };
    const a = post({ items: [{ item: 'other', qty: 1, text: 'Baby formula' }] }, 'Block 1');
    const b = post({ type: 'offer', items: [{ item: 'other', qty: 1, text: 'baby formula' }] }, 'Block 2');
    const c = post({ type: 'offer', items: [{ item: 'other', qty: 1, text: 'nappies' }] }, 'Block 2');
    const idx = matchIndex([need, mine, a, b, c], () => true);
    expect(ids(matchesFor(need, idx, CENTRES))).toEqual([]);
    expect(ids(matchesFor(a, idx, CENTRES))).toEqual([b.id]);
  });

  it('breaks ties between equally near offers by the newest', () => {
    const first = offerOf('thermometer', 'Block 2', 1);
    const second = offerOf('thermometer', 'Block 2', 2);
    const idx = matchIndex([need, first, second], () => true);
    expect(ids(matchesFor(need, idx, CENTRES))).toEqual([second.id, first.id]);
  });
});
