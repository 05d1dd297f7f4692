/** Near me: straight-line distances between buildings, rounded locations, "Nearest" and "within". */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceM, roundedDistance, roundLocation, type LngLat } from '../../src/lib/domain/geo.ts';
import type { SiteBody } from '../../src/lib/domain/kinds/site.ts';
import { buildingCentres, nearnessFrom, siteBuilding } from '../../src/lib/domain/places.ts';
import { DEFAULT_QUERY, patchSelection, selectPosts, type BoardQuery } from '../../src/lib/domain/selection.ts';
import { hlc, postBody, postState, T0 } from './fixtures.ts';

const LNG = 114.17;
const LAT = 22.3;
/** A 10 m square building whose south-west corner is `east` metres east of the origin. */
function building(name: string, east: number): SiteBody['buildings'][number] {
  const d = east / 102_900; // metres to degrees of longitude at 22.3° N
  const s = 0.00009;
  const at = (x: number, y: number): LngLat => [Number((LNG + x).toFixed(7)), Number((LAT + y).toFixed(7))];
  return { name, ring: [at(d, 0), at(d + s, 0), at(d + s, s), at(d, s)] };
}
const SITE: SiteBody = {
  buildings: [building('Block 1', 0), building('Block 2', 120), building('Block 3', 400)],
  points: [],
};
const post = (where: string, minutes = 0) =>
  postState({ at: hlc(T0 + minutes * 60_000), body: postBody({ where: { building: where, floor: '' } }) });

describe('distances', () => {
  it('measures straight lines in metres (a degree of latitude is about 111 km)', () => {
    expect(distanceM([LNG, 22], [LNG, 23])).toBeCloseTo(111_195, -2);
    expect(distanceM([LNG, LAT], [LNG, LAT])).toBe(0);
  });

  it('is symmetric and obeys the triangle inequality', () => {
    const near = fc.tuple(
      fc.double({ min: 114, max: 114.2, noNaN: true }),
      fc.double({ min: 22, max: 22.5, noNaN: true }),
    );
    fc.assert(
      fc.property(near, near, near, (a, b, c) => {
        expect(distanceM(a, b)).toBeCloseTo(distanceM(b, a), 6);
        expect(distanceM(a, c)).toBeLessThanOrEqual(distanceM(a, b) + distanceM(b, c) + 1e-6);
      }),
    );
  });

  it('shows a distance rounded to 10 m, and kilometres from 1 km', () => {
    expect(roundedDistance(118)).toEqual({ value: 120, unit: 'meter' });
    expect(roundedDistance(3)).toEqual({ value: 10, unit: 'meter' });
    expect(roundedDistance(1_260)).toEqual({ value: 1.3, unit: 'kilometer' });
  });
});

describe('a rounded device location', () => {
  const anywhere = fc.tuple(
    fc.double({ min: -179, max: 179, noNaN: true }),
    fc.double({ min: -80, max: 80, noNaN: true }),
  );

  it('moves a location by at most about 100 m, and never keeps more than 100 m of precision', () => {
    fc.assert(
      fc.property(anywhere, (at) => {
        const rounded = roundLocation(at);
        expect(distanceM(at, rounded)).toBeLessThanOrEqual(120);
        // Every location within the same cell rounds to the same place: neighbours learn the cell only.
        expect(roundLocation(rounded)).toEqual(rounded);
      }),
    );
  });

  it('gives two flats of one building the same rounded place', () => {
    expect(roundLocation([114.17012, 22.30011])).toEqual(roundLocation([114.17018, 22.30019]));
  });
});

describe('places on the site', () => {
  it('finds a post’s building on the site whatever its case', () => {
    expect(siteBuilding(SITE, 'block 2')).toBe('Block 2');
    expect(siteBuilding(SITE, 'Tower 9')).toBeUndefined();
    expect(siteBuilding(undefined, 'Block 2')).toBeUndefined();
  });

  it('has no nearness without a place to measure from', () => {
    expect(nearnessFrom(undefined, buildingCentres(SITE))).toBeNull();
  });
});

describe('Nearest first', () => {
  const centres = buildingCentres(SITE);
  const fromBlock1 = nearnessFrom(centres.get('block 1'), centres)!;
  const nearest: BoardQuery = { ...DEFAULT_QUERY, sort: 'nearest' };

  it('orders posts by distance from my building, unknown places last, then newest first', () => {
    const far = post('Block 3', 5);
    const near = post('Block 2', 1);
    const mine = post('Block 1', 0);
    const nowhere = post('Somewhere else', 9);
    const sameAsNear = post('block 2', 3);
    const list = selectPosts([far, near, nowhere, mine, sameAsNear], nearest, T0, fromBlock1);
    expect(list.map((p) => p.id)).toEqual([mine.id, sameAsNear.id, near.id, far.id, nowhere.id]);
    expect(fromBlock1.distanceOf(near)).toBeGreaterThan(110);
    expect(fromBlock1.distanceOf(near)).toBeLessThan(130);
    expect(fromBlock1.distanceOf(nowhere)).toBeUndefined();
  });

  it('is newest first when there is nothing to measure from', () => {
    const a = post('Block 3', 1);
    const b = post('Block 1', 2);
    expect(selectPosts([a, b], nearest, T0, null).map((p) => p.id)).toEqual([b.id, a.id]);
  });

  it('patching the list gives what selecting it again would', () => {
    const posts = ['Block 3', 'Block 1', 'Block 2', 'Nowhere', 'Block 2'].map((b, i) => post(b, i));
    const list = selectPosts(posts.slice(0, 3), nearest, T0, fromBlock1);
    const byId = new Map(posts.map((p) => [p.id, p]));
    const patched = patchSelection(list, [posts[3]!.id, posts[4]!.id], (id) => byId.get(id), nearest, T0, fromBlock1);
    expect(patched).toEqual(selectPosts(posts, nearest, T0, fromBlock1));
  });

  it('filters by building and by "within N m"', () => {
    const posts = ['Block 1', 'Block 2', 'Block 3', 'Nowhere'].map((b) => post(b));
    const within = selectPosts(posts, { ...nearest, withinM: 200 }, T0, fromBlock1);
    expect(within.map((p) => p.body.where.building)).toEqual(['Block 1', 'Block 2']);
    const inBlock3 = selectPosts(posts, { ...DEFAULT_QUERY, building: 'block 3' }, T0, fromBlock1);
    expect(inBlock3.map((p) => p.body.where.building)).toEqual(['Block 3']);
  });
});
