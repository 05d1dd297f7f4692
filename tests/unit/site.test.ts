/** The compound's site: what a site record may hold, GeoJSON in and out, and who may draw it. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import { isSimpleRing, type LngLat } from '../../src/lib/domain/geo.ts';
import { checkBody } from '../../src/lib/domain/kinds/parse.ts';
import { SITE_LIMITS, type SiteBody } from '../../src/lib/domain/kinds/site.ts';
import { parseSiteGeoJson, SITE_FILE_MAX_CHARS, siteToGeoJson } from '../../src/lib/domain/site-geojson.ts';
import { HOUR, identity, sign, T0 } from './fixtures.ts';

const LNG = 114.17;
const LAT = 22.3;
/** A square of about 20 m a side, south-west corner `d` steps of 0.001° east of the origin. */
const block = (name: string, d = 0): SiteBody['buildings'][number] => ({
  name,
  ring: [
    [LNG + d * 0.001, LAT],
    [LNG + d * 0.001 + 0.0002, LAT],
    [LNG + d * 0.001 + 0.0002, LAT + 0.0002],
    [LNG + d * 0.001, LAT + 0.0002],
  ].map(([x, y]) => [Number(x!.toFixed(7)), Number(y!.toFixed(7))] as const),
});
/** Positions rounded as a site record keeps them (114.17 + 0.0002 is not 114.1702 in floating point). */
const r = (ring: number[][]): LngLat[] => ring.map(([x, y]) => [Number(x!.toFixed(7)), Number(y!.toFixed(7))]);
const site = (overrides: Partial<SiteBody> = {}): SiteBody => ({
  buildings: [block('Block 1'), block('Block 2', 1)],
  points: [{ name: 'Main gate', at: [LNG + 0.0005, LAT - 0.0003] }],
  ...overrides,
});
const reason = (body: unknown) => {
  const result = checkBody('site', body);
  return result.ok ? 'ok' : result.reason;
};

describe('a site record', () => {
  it('holds named building outlines and pickup points', () => {
    expect(reason(site())).toBe('ok');
  });

  it('refuses a building whose edges cross (a bow tie)', () => {
    const bowTie = r([
      [LNG, LAT],
      [LNG + 0.0002, LAT + 0.0002],
      [LNG + 0.0002, LAT],
      [LNG, LAT + 0.0002],
    ]);
    expect(reason(site({ buildings: [{ name: 'Bow', ring: bowTie }] }))).toBe('self-intersecting');
  });

  it('refuses outlines with fewer than three distinct corners, or none at all', () => {
    const line = r([
      [LNG, LAT],
      [LNG + 0.0002, LAT],
    ]);
    expect(reason(site({ buildings: [{ name: 'Line', ring: line }] }))).toBe('bad-geometry');
    const repeated = r([
      [LNG, LAT],
      [LNG, LAT],
      [LNG + 0.0002, LAT],
      [LNG + 0.0002, LAT],
    ]);
    expect(reason(site({ buildings: [{ name: 'Flat', ring: repeated }] }))).toBe('bad-geometry');
    const collinear = r([
      [LNG, LAT],
      [LNG + 0.0001, LAT],
      [LNG + 0.0002, LAT],
    ]);
    expect(reason(site({ buildings: [{ name: 'Flat', ring: collinear }] }))).toBe('self-intersecting');
  });

  it('refuses coordinates out of range, and a site wider than a compound', () => {
    expect(reason(site({ points: [{ name: 'Gate', at: [200, LAT] }] }))).toBe('out-of-range');
    expect(reason(site({ points: [{ name: 'Gate', at: [LNG, 89] }] }))).toBe('out-of-range');
    expect(reason(site({ points: [{ name: 'Far gate', at: [LNG + 0.1, LAT] }] }))).toBe('site-too-wide');
  });

  it('refuses two buildings of one name (posts name their building), whatever the case', () => {
    expect(reason(site({ buildings: [block('Block 1'), block('block 1 ', 1)] }))).toBe('duplicate-name');
  });

  it('refuses more buildings or corners than its limits', () => {
    const many = Array.from({ length: SITE_LIMITS.buildings + 1 }, (_, i) => block(`B${i}`, 0));
    expect(reason(site({ buildings: many }))).toBe('too-large');
    const corners = SITE_LIMITS.corners + 1;
    const round: LngLat[] = Array.from({ length: corners }, (_, i) => [
      Number((LNG + 0.0003 * Math.cos((2 * Math.PI * i) / corners)).toFixed(7)),
      Number((LAT + 0.0003 * Math.sin((2 * Math.PI * i) / corners)).toFixed(7)),
    ]);
    expect(reason(site({ buildings: [{ name: 'Round', ring: round }] }))).toBe('too-large');
  });

  it('refuses coordinates with more precision than it keeps (the signed form is the rounded one)', () => {
    expect(reason(site({ points: [{ name: 'Gate', at: [LNG + 0.123456789, LAT] }] }))).toBe('invalid');
  });
});

describe('isSimpleRing', () => {
  // A star-shaped ring (corners sorted by angle around a centre) never crosses itself.
  const star = fc
    .uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 30 })
    .chain((angles) =>
      fc.tuple(
        fc.constant([...angles].sort((a, b) => a - b)),
        fc.array(fc.integer({ min: 10, max: 100 }), { minLength: angles.length, maxLength: angles.length }),
      ),
    )
    .map(([angles, radii]) =>
      angles.map((deg, i): LngLat => {
        const r = radii[i]! * 1e-6;
        return [LNG + r * Math.cos((deg * Math.PI) / 180), LAT + r * Math.sin((deg * Math.PI) / 180)];
      }),
    )
    // Angles that leave a gap of 180° or more make a ring that does not go around its centre.
    .filter((ring) => maxGap(ring) < 180);

  it('accepts every star-shaped ring, in either direction', () => {
    fc.assert(
      fc.property(star, (ring) => {
        expect(isSimpleRing(ring)).toBe(true);
        expect(isSimpleRing([...ring].reverse())).toBe(true);
      }),
    );
  });

  it('refuses any ring once two of its non-neighbouring corners swap places (a crossing)', () => {
    const square: LngLat[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    expect(isSimpleRing(square)).toBe(true);
    expect(isSimpleRing([square[0]!, square[2]!, square[1]!, square[3]!])).toBe(false);
  });
});

/** The widest angle (degrees) between neighbouring corners of a ring, seen from its origin. */
function maxGap(ring: readonly LngLat[]): number {
  const angles = ring.map(([x, y]) => ((Math.atan2(y - LAT, x - LNG) * 180) / Math.PI + 360) % 360);
  return Math.max(...angles.map((a, i) => (angles[(i + 1) % angles.length]! - a + 360) % 360 || 360));
}

describe('GeoJSON import and export', () => {
  it('round-trips a site through GeoJSON', () => {
    const text = JSON.stringify(siteToGeoJson(site()));
    expect(parseSiteGeoJson(text)).toEqual({ ok: true, value: site() });
  });

  it('rounds coordinates to what a site record keeps', () => {
    const geo = siteToGeoJson(site({ buildings: [], points: [{ name: 'Gate', at: [LNG, LAT] }] }));
    const text = JSON.stringify(geo).replace(`${LNG}`, `${LNG}0000000042`);
    const parsed = parseSiteGeoJson(text);
    expect(parsed.ok && parsed.value.points[0]?.at).toEqual([LNG, LAT]);
  });

  const refusals: [string, string, string][] = [
    ['not JSON', '{"type": "FeatureCollection",', 'not-geojson'],
    ['JSON, not GeoJSON', '{"buildings": []}', 'not-geojson'],
    [
      'a line',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { name: 'Path' }, geometry: { type: 'LineString', coordinates: [] } },
        ],
      }),
      'bad-geometry',
    ],
    [
      'a polygon with a hole',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'Ring' },
            geometry: { type: 'Polygon', coordinates: [[...block('A').ring, block('A').ring[0]], block('B').ring] },
          },
        ],
      }),
      'bad-geometry',
    ],
    [
      'a building without a name',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [LNG, LAT] } }],
      }),
      'required',
    ],
    ['coordinates out of range', JSON.stringify(siteToGeoJson(site())).replace(`${LAT}`, '95'), 'out-of-range'],
    ['an oversized file', ' '.repeat(SITE_FILE_MAX_CHARS + 1), 'too-large'],
  ];
  for (const [what, text, code] of refusals) {
    it(`refuses ${what} with its reason`, () => {
      expect(parseSiteGeoJson(text)).toMatchObject({ ok: false, reason: code });
    });
  }

  it('refuses a self-intersecting building in a file', () => {
    const geo = siteToGeoJson(site({ buildings: [block('A')], points: [] }));
    const feature = geo.features[0]!;
    const [a, b, c, d] = feature.geometry.coordinates[0] as LngLat[];
    const text = JSON.stringify({
      ...geo,
      features: [{ ...feature, geometry: { type: 'Polygon', coordinates: [[a, c, b, d, a]] } }],
    });
    expect(parseSiteGeoJson(text)).toMatchObject({ ok: false, reason: 'self-intersecting' });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => typeof parseSiteGeoJson(text).ok === 'boolean'));
    fc.assert(fc.property(fc.json(), (text) => typeof parseSiteGeoJson(text).ok === 'boolean'));
  });
});

describe('who may draw the site', () => {
  let founder: Identity;
  let volunteer: Identity;
  let resident: Identity;
  beforeAll(async () => {
    [founder, volunteer, resident] = await Promise.all([identity(61), identity(62), identity(63)]);
  });

  it('every device ignores a resident’s site, and keeps the founder’s', async () => {
    const fold = new BoardFold(founder.author);
    fold.add([await sign(founder, 'site', site(), T0)]);
    fold.add([await sign(resident, 'site', site({ buildings: [block('Fake')] }), T0 + HOUR)]);
    expect(fold.site()?.buildings.map((b) => b.name)).toEqual(['Block 1', 'Block 2']);
    expect(fold.rejectedCount).toBe(1);
  });

  it('a volunteer’s site counts while the role lasts, then falls back to the one before', async () => {
    const records = [
      await sign(founder, 'site', site(), T0),
      await sign(founder, 'role', { action: 'grant-volunteer', member: volunteer.author }, T0 + 1),
      await sign(volunteer, 'site', site({ buildings: [block('Block 9')] }), T0 + HOUR),
    ];
    const fold = new BoardFold(founder.author);
    fold.add(records);
    expect(fold.site()?.buildings.map((b) => b.name)).toEqual(['Block 9']);
    const change = fold.add([
      await sign(founder, 'role', { action: 'revoke-volunteer', member: volunteer.author }, T0 + 2 * HOUR),
    ]);
    expect(change.square).toBe(true);
    expect(fold.site()?.buildings.map((b) => b.name)).toEqual(['Block 1', 'Block 2']);
  });

  it('folds to the same site whatever order the records arrive in', async () => {
    const records = [
      await sign(founder, 'site', site(), T0),
      await sign(founder, 'role', { action: 'grant-volunteer', member: volunteer.author }, T0 + 1),
      await sign(volunteer, 'site', site({ buildings: [block('Block 9')] }), T0 + HOUR),
      await sign(resident, 'site', site({ buildings: [block('Fake')] }), T0 + 2 * HOUR),
    ];
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(records, { minLength: records.length }), async (order) => {
        const fold = new BoardFold(founder.author);
        for (const record of order) fold.add([record]);
        expect(fold.site()?.buildings.map((b) => b.name)).toEqual(['Block 9']);
      }),
    );
  });
});
